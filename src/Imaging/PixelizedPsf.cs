namespace Apdb.Imaging;

/// <summary>
/// An empirical PSF: a (2R+1) x (2R+1) image at native pixel sampling, centred on its central pixel and normalized to
/// sum 1 (or an aperture-corrected enclosed fraction), shifted to any sub-pixel position by Lanczos-3 interpolation. Spatially constant.
/// </summary>
public sealed class PixelizedPsf : Psf
{
    private readonly float[] _model;

    /// <summary>
    /// Wraps a centred model, copied and scaled to sum <paramref name="enclosedFraction"/>: the fraction of a unit-flux
    /// source's light inside the model (1 by default; an aperture correction below 1 makes fits return total flux).
    /// </summary>
    public PixelizedPsf(ReadOnlySpan<float> model, int radius, double fwhmPixels, double enclosedFraction = 1.0)
    {
        var size = (2 * radius) + 1;
        if (radius < 1 || model.Length != size * size)
        {
            throw new ArgumentException($"a pixelized PSF of radius {radius} needs {size * size} values, not {model.Length}", nameof(model));
        }

        var sum = 0.0;
        foreach (var v in model)
        {
            sum += v;
        }

        if (!(sum > 0) || !double.IsFinite(sum))
        {
            throw new ArgumentException($"the pixelized PSF sums to {sum}; it must be positive and finite", nameof(model));
        }

        if (!(enclosedFraction > 0.5 && enclosedFraction <= 1.5))
        {
            throw new ArgumentOutOfRangeException(nameof(enclosedFraction), enclosedFraction, "the enclosed fraction must be in (0.5, 1.5]");
        }

        _model = new float[model.Length];
        for (var k = 0; k < model.Length; k++)
        {
            _model[k] = (float)(model[k] * enclosedFraction / sum);
        }

        EnclosedFraction = enclosedFraction;

        Radius = radius;
        FwhmPixels = fwhmPixels;
    }

    /// <summary>The model radius R: the model is (2R+1) pixels square.</summary>
    public int Radius { get; }

    /// <summary>The sum of the model pixels.</summary>
    public double EnclosedFraction { get; }

    /// <summary>The model pixels (row-major, summing to <see cref="EnclosedFraction"/>).</summary>
    public ReadOnlySpan<float> Model => _model;

    /// <inheritdoc />
    public override double FwhmPixels { get; }

    /// <inheritdoc />
    public override string Description => $"pixelized {(2 * Radius) + 1}x{(2 * Radius) + 1}, FWHM {FwhmPixels:0.###} px";

    /// <inheritdoc />
    protected override void ComputeStampCore(double x, double y, double dx, double dy, int halfWidth, Span<float> destination)
    {
        // value(i, j) = model(i - h - dx + R, j - h - dy + R), interpolated. The fractional part is the same for every
        // pixel, so the six weights per axis are computed once.
        var size = (2 * halfWidth) + 1;
        var modelSize = (2 * Radius) + 1;
        var fx = Math.Floor(-dx);
        var fy = Math.Floor(-dy);
        Span<double> wx = stackalloc double[6];
        Span<double> wy = stackalloc double[6];
        SpecialFunctions.Lanczos3Weights(-dx - fx, wx);
        SpecialFunctions.Lanczos3Weights(-dy - fy, wy);
        var ox = (int)fx + Radius - halfWidth;
        var oy = (int)fy + Radius - halfWidth;

        // Separable Lanczos: shift the needed model rows along x, then combine rows along y (12 terms a pixel, not 36).
        var rows = size + 5;
        Span<double> shifted = rows * size <= 4096 ? stackalloc double[rows * size] : new double[rows * size];
        for (var r = 0; r < rows; r++)
        {
            var my = oy + r - 2;
            var line = shifted.Slice(r * size, size);
            if ((uint)my >= (uint)modelSize)
            {
                line.Clear();
                continue;
            }

            var row = my * modelSize;
            for (var i = 0; i < size; i++)
            {
                var acc = 0.0;
                for (var k = 0; k < 6; k++)
                {
                    var mx = ox + i + k - 2;
                    if ((uint)mx < (uint)modelSize)
                    {
                        acc += wx[k] * _model[row + mx];
                    }
                }

                line[i] = acc;
            }
        }

        for (var j = 0; j < size; j++)
        {
            for (var i = 0; i < size; i++)
            {
                var v = 0.0;
                for (var l = 0; l < 6; l++)
                {
                    v += wy[l] * shifted[((j + l) * size) + i];
                }

                destination[(j * size) + i] = (float)v;
            }
        }
    }
}
