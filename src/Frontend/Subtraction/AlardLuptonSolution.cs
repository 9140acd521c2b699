namespace Apdb.Frontend.Subtraction;

/// <summary>A fitted spatially varying matching kernel and differential background.</summary>
public sealed class AlardLuptonSolution
{
    /// <summary>The basis.</summary>
    public required AlardLuptonBasis Basis { get; init; }

    /// <summary>Kernel coefficients: [kernel, spatial term] with spatial terms 1, x, y (x, y scaled to [-1, 1]) up to the spatial order.</summary>
    public required double[,] KernelCoefficients { get; init; }

    /// <summary>Background coefficients over 1, x, y, x^2, xy, y^2 (up to the background order).</summary>
    public required double[] BackgroundCoefficients { get; init; }

    /// <summary>Spatial order of the kernel (0 or 1).</summary>
    public required int SpatialOrder { get; init; }

    /// <summary>Order of the background (0-2).</summary>
    public required int BackgroundOrder { get; init; }

    /// <summary>Stamps kept after clipping.</summary>
    public required int StampsUsed { get; init; }

    /// <summary>Stamps offered.</summary>
    public required int StampsOffered { get; init; }

    /// <summary>Width of the image the solution was fitted on (for the spatial scaling).</summary>
    public required int Width { get; init; }

    /// <summary>Height of the image.</summary>
    public required int Height { get; init; }

    /// <summary>
    /// True when the kernel convolves the science image to match the template (K * science + background ~ template);
    /// false when it convolves the template (K * template + background ~ science).
    /// </summary>
    public bool ConvolvesScience { get; init; }

    /// <summary>Sum of the kernel at the image centre (photometric scale from the convolved image to the other).</summary>
    public double KernelSumAtCentre => KernelSum(Width / 2.0, Height / 2.0);

    /// <summary>Coefficient of basis kernel k at (x, y).</summary>
    public double Coefficient(int k, double x, double y)
    {
        var (u, v) = Scaled(x, y);
        var a = KernelCoefficients[k, 0];
        if (SpatialOrder >= 1)
        {
            a += (KernelCoefficients[k, 1] * u) + (KernelCoefficients[k, 2] * v);
        }

        return a;
    }

    /// <summary>The kernel's sum at (x, y).</summary>
    public double KernelSum(double x, double y)
    {
        double s = 0;
        for (var k = 0; k < Basis.Kernels.Count; k++)
        {
            s += Coefficient(k, x, y) * Basis.Sum(k);
        }

        return s;
    }

    /// <summary>The kernel image at (x, y): (2H+1)^2 values, H = the basis half-width.</summary>
    public double[] KernelImage(double x, double y)
    {
        var h = Basis.HalfWidth;
        var size = (2 * h) + 1;
        var image = new double[size * size];
        for (var k = 0; k < Basis.Kernels.Count; k++)
        {
            var (g, i, j) = Basis.Kernels[k];
            var group = Basis.Groups[g];
            var c = Coefficient(k, x, y);
            var o = h - group.HalfWidth;
            for (var b = 0; b < group.Profiles[j].Length; b++)
            {
                for (var a = 0; a < group.Profiles[i].Length; a++)
                {
                    image[((b + o) * size) + a + o] += c * group.Profiles[i][a] * group.Profiles[j][b];
                }
            }
        }

        return image;
    }

    /// <summary>The differential background at (x, y).</summary>
    public double Background(double x, double y)
    {
        var (u, v) = Scaled(x, y);
        ReadOnlySpan<double> terms = [1, u, v, u * u, u * v, v * v];
        double s = 0;
        for (var t = 0; t < BackgroundCoefficients.Length; t++)
        {
            s += BackgroundCoefficients[t] * terms[t];
        }

        return s;
    }

    /// <summary>Pixel coordinates scaled to [-1, 1].</summary>
    public (double U, double V) Scaled(double x, double y) => ((2 * x / Math.Max(Width - 1, 1)) - 1, (2 * y / Math.Max(Height - 1, 1)) - 1);
}
