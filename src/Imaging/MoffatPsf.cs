namespace Apdb.Imaging;

/// <summary>
/// A circular Moffat PSF, I(r) = (beta - 1) / (pi alpha^2) (1 + r^2 / alpha^2)^-beta, alpha = FWHM / (2 sqrt(2^(1/beta) - 1)).
/// Pixel values are those of a unit-flux source (integrated with 4x4 Gauss-Legendre points per pixel), so a stamp
/// sums to the fraction of light it encloses: Moffat wings are broad, and a fit with this model returns total flux.
/// With <c>normalizeToStamp</c> the stamp is scaled to sum exactly 1 instead.
/// </summary>
public sealed class MoffatPsf : Psf
{
    private static readonly double[] Nodes = [-0.4305681557970263, -0.16999052179242813, 0.16999052179242813, 0.4305681557970263];
    private static readonly double[] Weights = [0.17392742256872692, 0.3260725774312731, 0.3260725774312731, 0.17392742256872692];
    private readonly bool _normalizeToStamp;

    /// <summary>Creates a Moffat PSF.</summary>
    public MoffatPsf(double fwhmPixels, double beta, PsfSampling sampling = PsfSampling.Integrated, bool normalizeToStamp = false)
    {
        if (!double.IsFinite(fwhmPixels) || fwhmPixels <= 0 || fwhmPixels > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(fwhmPixels), fwhmPixels, "the PSF FWHM must be a finite number of pixels in (0, 1000]");
        }

        if (!double.IsFinite(beta) || beta <= 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "the Moffat beta must exceed 1 (otherwise the flux is infinite)");
        }

        FwhmPixels = fwhmPixels;
        Beta = beta;
        Sampling = sampling;
        Alpha = fwhmPixels / (2.0 * Math.Sqrt(Math.Pow(2.0, 1.0 / beta) - 1.0));
        _normalizeToStamp = normalizeToStamp;
    }

    /// <inheritdoc />
    public override double FwhmPixels { get; }

    /// <summary>The power-law index.</summary>
    public double Beta { get; }

    /// <summary>The core width alpha, pixels.</summary>
    public double Alpha { get; }

    /// <summary>How pixel values are computed.</summary>
    public PsfSampling Sampling { get; }

    /// <inheritdoc />
    public override string Description => $"Moffat FWHM {FwhmPixels:0.###} px beta {Beta:0.###} ({Sampling.ToString().ToLowerInvariant()})";

    /// <summary>The profile (per unit area) at radius squared r2.</summary>
    public double Density(double r2) => (Beta - 1.0) / (Math.PI * Alpha * Alpha) * Math.Pow(1.0 + (r2 / (Alpha * Alpha)), -Beta);

    /// <inheritdoc />
    protected override void ComputeStampCore(double x, double y, double dx, double dy, int halfWidth, Span<float> destination)
    {
        var size = (2 * halfWidth) + 1;
        var sum = 0.0;
        for (var j = 0; j < size; j++)
        {
            var py = j - halfWidth - dy;
            for (var i = 0; i < size; i++)
            {
                var px = i - halfWidth - dx;
                double v;
                if (Sampling == PsfSampling.Sampled)
                {
                    v = Density((px * px) + (py * py));
                }
                else
                {
                    v = 0;
                    for (var b = 0; b < Nodes.Length; b++)
                    {
                        var yy = py + Nodes[b];
                        for (var a = 0; a < Nodes.Length; a++)
                        {
                            var xx = px + Nodes[a];
                            v += Weights[a] * Weights[b] * Density((xx * xx) + (yy * yy));
                        }
                    }
                }

                destination[(j * size) + i] = (float)v;
                sum += v;
            }
        }

        if (_normalizeToStamp)
        {
            NormalizeToUnitSum(destination, sum);
        }
    }
}
