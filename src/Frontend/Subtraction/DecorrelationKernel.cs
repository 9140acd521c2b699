using Apdb.Frontend.Calibration;

namespace Apdb.Frontend.Subtraction;

/// <summary>
/// The post-subtraction convolution that whitens an Alard-Lupton difference (Kaiser 2004; Rubin's DMTN-021
/// "afterburner"). A difference S - K * T of images with white noise of per-pixel variances sS and sT has the noise
/// power spectrum sS + sT |k(f)|^2, k the matching kernel's transform; convolving it with phi(f) = sqrt(N / (sS + sT
/// |k(f)|^2)) makes it flat. N = sS + sT k(0)^2 gives phi(0) = 1, so fluxes are kept and the whitened per-pixel variance
/// is N. When the science is convolved, (K * S - T) / k(0), the roles swap: phi(f) = sqrt((sS k(0)^2 + sT) / (sS |k(f)|^2 + sT)).
/// The kernel is computed on an N x N frequency grid (a separable DFT of the matching kernel at the image centre),
/// brought back to pixels, cut where its energy ends, and written as a short sum of separable terms (an SVD) so the
/// image convolution is a few row and column passes.
/// </summary>
public sealed class DecorrelationKernel
{
    private DecorrelationKernel(double[,] pixels, IReadOnlyList<(float[] X, float[] Y)> terms, double whiteVariance)
    {
        Pixels = pixels;
        Terms = terms;
        WhiteVariance = whiteVariance;
    }

    /// <summary>The kernel, (2H+1) x (2H+1), [row (y), column (x)], summing to 1.</summary>
    public double[,] Pixels { get; }

    /// <summary>Half-width H.</summary>
    public int HalfWidth => Pixels.GetLength(0) / 2;

    /// <summary>Separable terms whose sum is the kernel (to 1e-4 of its norm): pixels[b, a] ~ sum X[a] Y[b].</summary>
    public IReadOnlyList<(float[] X, float[] Y)> Terms { get; }

    /// <summary>The whitened difference's per-pixel variance for the variances the kernel was built from.</summary>
    public double WhiteVariance { get; }

    /// <summary>
    /// Builds the kernel from the matching kernel image (row-major, odd square size), the science and template
    /// per-pixel variances, and which side the matching kernel convolved.
    /// </summary>
    /// <param name="matchingKernel">The matching kernel's pixels, (2h+1)^2 values.</param>
    /// <param name="scienceVariance">Typical per-pixel variance of the science image.</param>
    /// <param name="templateVariance">Typical per-pixel variance of the (warped) template.</param>
    /// <param name="convolvesScience">True when the kernel convolved the science.</param>
    /// <param name="gridSize">The frequency grid (a power of two or not; at least twice the kernel size).</param>
    public static DecorrelationKernel Create(ReadOnlySpan<double> matchingKernel, double scienceVariance, double templateVariance, bool convolvesScience, int gridSize = 64)
    {
        var size = (int)Math.Round(Math.Sqrt(matchingKernel.Length));
        if (size * size != matchingKernel.Length || size % 2 == 0)
        {
            throw new ArgumentException($"the matching kernel must be an odd square, not {matchingKernel.Length} values", nameof(matchingKernel));
        }

        if (!(scienceVariance > 0) || !(templateVariance >= 0) || !double.IsFinite(scienceVariance) || !double.IsFinite(templateVariance))
        {
            throw new ArgumentException($"the variances must be positive and finite (science {scienceVariance}, template {templateVariance})");
        }

        var n = Math.Max(gridSize, 2 * size);
        var power = KernelPower(matchingKernel, size, n);
        var sum = 0.0;
        foreach (var v in matchingKernel)
        {
            sum += v;
        }

        var (convolved, other) = convolvesScience ? (scienceVariance, templateVariance) : (templateVariance, scienceVariance);
        var white = other + (convolved * sum * sum);
        var spectrum = new double[n, n];
        for (var v = 0; v < n; v++)
        {
            for (var u = 0; u < n; u++)
            {
                spectrum[v, u] = Math.Sqrt(white / (other + (convolved * power[v, u])));
            }
        }

        var full = InverseRealEven(spectrum, n);
        var pixels = Truncate(full, n, Math.Min((n / 2) - 1, size));
        var whiteVariance = convolvesScience ? white / (sum * sum) : white;
        return new DecorrelationKernel(pixels, Separate(pixels), whiteVariance);
    }

    /// <summary>|k(f)|^2 on the n x n grid (the kernel's centre at the origin; the phase does not enter).</summary>
    private static double[,] KernelPower(ReadOnlySpan<double> kernel, int size, int n)
    {
        var h = size / 2;
        var (cos, sin) = Twiddles(n);
        // Rows first: for each kernel row b, its 1-D transform over a; then over b for each frequency u.
        var re = new double[size, n];
        var im = new double[size, n];
        for (var b = 0; b < size; b++)
        {
            for (var u = 0; u < n; u++)
            {
                double r = 0, i = 0;
                for (var a = 0; a < size; a++)
                {
                    var phase = (((a - h) * u) % n + n) % n;
                    var value = kernel[(b * size) + a];
                    r += value * cos[phase];
                    i -= value * sin[phase];
                }

                re[b, u] = r;
                im[b, u] = i;
            }
        }

        var power = new double[n, n];
        for (var v = 0; v < n; v++)
        {
            for (var u = 0; u < n; u++)
            {
                double r = 0, i = 0;
                for (var b = 0; b < size; b++)
                {
                    var phase = (((b - h) * v) % n + n) % n;
                    r += (re[b, u] * cos[phase]) + (im[b, u] * sin[phase]);
                    i += (im[b, u] * cos[phase]) - (re[b, u] * sin[phase]);
                }

                power[v, u] = (r * r) + (i * i);
            }
        }

        return power;
    }

    /// <summary>The real inverse DFT of a real spectrum, indexed by signed pixel offsets wrapped onto 0..n-1.</summary>
    private static double[,] InverseRealEven(double[,] spectrum, int n)
    {
        var (cos, sin) = Twiddles(n);
        var re = new double[n, n];
        var im = new double[n, n];
        for (var v = 0; v < n; v++)
        {
            for (var a = 0; a < n; a++)
            {
                double r = 0, i = 0;
                for (var u = 0; u < n; u++)
                {
                    var phase = (a * u) % n;
                    r += spectrum[v, u] * cos[phase];
                    i += spectrum[v, u] * sin[phase];
                }

                re[v, a] = r;
                im[v, a] = i;
            }
        }

        var pixels = new double[n, n];
        for (var b = 0; b < n; b++)
        {
            for (var a = 0; a < n; a++)
            {
                double r = 0;
                for (var v = 0; v < n; v++)
                {
                    var phase = (b * v) % n;
                    r += (re[v, a] * cos[phase]) - (im[v, a] * sin[phase]);
                }

                pixels[b, a] = r / (n * (double)n);
            }
        }

        return pixels;
    }

    /// <summary>
    /// The centred (2H+1)^2 cut of the wrapped kernel, H the smallest half-width (at most <paramref name="maxHalf"/>)
    /// outside which less than 1e-6 of the kernel's squared sum lies, rescaled to sum 1.
    /// </summary>
    private static double[,] Truncate(double[,] wrapped, int n, int maxHalf)
    {
        double At(int dy, int dx) => wrapped[((dy % n) + n) % n, ((dx % n) + n) % n];
        var total = 0.0;
        for (var b = 0; b < n; b++)
        {
            for (var a = 0; a < n; a++)
            {
                total += wrapped[b, a] * wrapped[b, a];
            }
        }

        var half = maxHalf;
        for (var r = 1; r <= maxHalf; r++)
        {
            var inside = 0.0;
            for (var dy = -r; dy <= r; dy++)
            {
                for (var dx = -r; dx <= r; dx++)
                {
                    inside += At(dy, dx) * At(dy, dx);
                }
            }

            if (total - inside < 1e-6 * total)
            {
                half = r;
                break;
            }
        }

        var size = (2 * half) + 1;
        var pixels = new double[size, size];
        var sum = 0.0;
        for (var dy = -half; dy <= half; dy++)
        {
            for (var dx = -half; dx <= half; dx++)
            {
                pixels[dy + half, dx + half] = At(dy, dx);
                sum += At(dy, dx);
            }
        }

        for (var b = 0; b < size; b++)
        {
            for (var a = 0; a < size; a++)
            {
                pixels[b, a] /= sum;
            }
        }

        return pixels;
    }

    /// <summary>
    /// The kernel as a sum of outer products (SVD through the eigenvectors of P^T P), largest first, until the rest holds
    /// less than 1e-8 of the kernel's squared norm (1e-4 of its norm).
    /// </summary>
    private static List<(float[] X, float[] Y)> Separate(double[,] p)
    {
        var size = p.GetLength(0);
        var ptp = new double[size, size];
        var norm = 0.0;
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                double s = 0;
                for (var b = 0; b < size; b++)
                {
                    s += p[b, i] * p[b, j];
                }

                ptp[i, j] = s;
            }

            norm += ptp[i, i];
        }

        var (values, vectors) = SymmetricEigen.Decompose(ptp);
        var order = Enumerable.Range(0, size).OrderByDescending(e => values[e]).ToArray();
        var terms = new List<(float[], float[])>();
        var kept = 0.0;
        foreach (var e in order)
        {
            if (norm - kept < 1e-8 * norm || !(values[e] > 0))
            {
                break;
            }

            // Right singular vector x = column e; left (times the singular value) y = P x.
            var x = new float[size];
            var y = new float[size];
            for (var a = 0; a < size; a++)
            {
                x[a] = (float)vectors[a, e];
            }

            for (var b = 0; b < size; b++)
            {
                double s = 0;
                for (var a = 0; a < size; a++)
                {
                    s += p[b, a] * vectors[a, e];
                }

                y[b] = (float)s;
            }

            terms.Add((x, y));
            kept += values[e];
        }

        return terms;
    }

    private static (double[] Cos, double[] Sin) Twiddles(int n)
    {
        var cos = new double[n];
        var sin = new double[n];
        for (var k = 0; k < n; k++)
        {
            cos[k] = Math.Cos(2 * Math.PI * k / n);
            sin[k] = Math.Sin(2 * Math.PI * k / n);
        }

        return (cos, sin);
    }
}
