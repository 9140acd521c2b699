using Apdb.Frontend.Convolution;
using Apdb.Imaging;

namespace Apdb.Frontend.Subtraction;

/// <summary>
/// Whitens an Alard-Lupton difference image (<see cref="DecorrelationKernel"/>): convolves the image with the
/// decorrelation kernel built for the matching kernel at the image centre and the two images' median per-pixel
/// variances, sets the variance to the white level the kernel gives, pixel by pixel (default mode: V_S + k(x, y)^2 V_T;
/// science convolved: V_S + V_T / k(x, y)^2, k the local kernel sum), and convolves the difference's PSF with the same
/// kernel. NO_DATA pixels enter the convolution as zero and stay NO_DATA (NaN); the kernel is mostly its central
/// value, so their neighbours change by its small wings only.
/// </summary>
public sealed class DifferenceDecorrelator
{
    /// <summary>The frequency grid of the kernel's construction.</summary>
    public int GridSize { get; init; } = 64;

    /// <summary>
    /// Returns the whitened difference and the kernel used. <paramref name="science"/> and <paramref name="template"/> are
    /// the images the difference was made from (the template warped to the science grid), for their variance planes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The difference has no PSF, or no usable pixel to take the variances from.</exception>
    public (Exposure Difference, DecorrelationKernel Kernel) Decorrelate(Exposure difference, Exposure science, Exposure template, AlardLuptonSolution solution)
    {
        ArgumentNullException.ThrowIfNull(difference);
        ArgumentNullException.ThrowIfNull(science);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(solution);
        var psf = difference.Psf ?? throw new InvalidOperationException("decorrelation needs the difference's PSF, and it has none");
        var w = difference.Width;
        var h = difference.Height;
        var sv = MedianVariance(science, difference.Mask);
        var tv = MedianVariance(template, difference.Mask);
        if (!(sv > 0))
        {
            throw new InvalidOperationException("decorrelation found no usable science pixel with a positive variance");
        }

        var kernel = DecorrelationKernel.Create(solution.KernelImage(w / 2.0, h / 2.0), sv, tv, solution.ConvolvesScience, GridSize);
        var image = ConvolveImage(difference.Image, w, h, kernel);
        var variance = WhiteVariance(science, template, solution, w, h);
        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                if (!float.IsFinite(difference.Image[k]))
                {
                    image[k] = float.NaN;
                }
            }
        });

        var mask = ScratchPlanes<int>.Rent(difference.Mask.Length);
        difference.Mask.AsSpan().CopyTo(mask);
        var whitened = new Exposure(w, h, image, variance, mask)
        {
            Wcs = difference.Wcs, Psf = ConvolvePsf(psf, kernel), PhotoCalib = difference.PhotoCalib, Metadata = difference.Metadata.Clone(),
        };
        return (whitened, kernel);
    }

    /// <summary>The image (non-finite pixels as zero) convolved with the kernel's separable terms.</summary>
    private static float[] ConvolveImage(float[] input, int w, int h, DecorrelationKernel kernel)
    {
        var clean = ScratchPlanes<float>.Rent(input.Length);
        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                clean[k] = float.IsFinite(input[k]) ? input[k] : 0f;
            }
        });

        // All terms in one pass per output row: the y profiles (one length) as column passes, the x profiles summed.
        var terms = kernel.Terms;
        if (terms.Count == 0)
        {
            return clean;
        }

        var groups = terms.GroupBy(t => t.Y.Length).Select(g => new SeparableSum.ColumnGroup(g.Key / 2, [.. g.Select(t => t.Y)])).ToList();
        var order = terms.GroupBy(t => t.Y.Length).SelectMany(g => g).ToList();
        var rowTerms = order.Select((t, b) => new SeparableSum.RowTerm(b, t.X)).ToList();
        var output = ScratchPlanes<float>.Rent(input.Length);
        new SeparableSum(groups, rowTerms).Apply(clean, w, h, output);
        ScratchPlanes<float>.Return(clean);
        return output;
    }

    /// <summary>Per pixel: V_S + k^2 V_T, or V_S + V_T / k^2 when the science was convolved (k: the local kernel sum, linear in x and y).</summary>
    private static float[] WhiteVariance(Exposure science, Exposure template, AlardLuptonSolution solution, int w, int h)
    {
        var variance = ScratchPlanes<float>.Rent(w * h);
        var scienceSide = solution.ConvolvesScience;
        Parallel.For(0, h, y =>
        {
            // The kernel sum is linear in x: its value at the row's ends gives every pixel's.
            var k0 = solution.KernelSum(0, y);
            var dk = (solution.KernelSum(w - 1, y) - k0) / Math.Max(w - 1, 1);
            var sv = science.Variance.AsSpan(y * w, w);
            var tv = template.Variance.AsSpan(y * w, w);
            var output = variance.AsSpan(y * w, w);
            for (var x = 0; x < w; x++)
            {
                var s = k0 + (dk * x);
                output[x] = (float)(scienceSide ? sv[x] + (tv[x] / (s * s)) : sv[x] + (s * s * tv[x]));
            }
        });

        return variance;
    }

    /// <summary>The median variance over every 7th pixel that is usable in the difference and positive in the image.</summary>
    private static double MedianVariance(Exposure exposure, int[] differenceMask)
    {
        var sample = new float[(exposure.Variance.Length + 6) / 7];
        var count = 0;
        var unusable = (int)MaskPlanes.Unusable;
        for (var k = 0; k < exposure.Variance.Length; k += 7)
        {
            var v = exposure.Variance[k];
            if ((differenceMask[k] & unusable) == 0 && v > 0 && float.IsFinite(v))
            {
                sample[count++] = v;
            }
        }

        return count == 0 ? 0 : PixelMath.Select(sample.AsSpan(0, count), count / 2);
    }

    /// <summary>The PSF convolved with the kernel, as a pixelized model of the same enclosed fraction; its FWHM scaled by the change of its rms width.</summary>
    private static PixelizedPsf ConvolvePsf(Psf psf, DecorrelationKernel kernel)
    {
        var (model, radius, fraction) = ModelOf(psf);
        var size = (2 * radius) + 1;
        var hk = kernel.HalfWidth;
        var outRadius = radius + hk;
        var outSize = (2 * outRadius) + 1;
        var output = new float[outSize * outSize];
        for (var b = 0; b < size; b++)
        {
            for (var a = 0; a < size; a++)
            {
                var m = model[(b * size) + a];
                for (var q = -hk; q <= hk; q++)
                {
                    for (var p = -hk; p <= hk; p++)
                    {
                        output[((b + hk + q) * outSize) + a + hk + p] += (float)(m * kernel.Pixels[q + hk, p + hk]);
                    }
                }
            }
        }

        var scale = RmsWidth(output, outSize) / RmsWidth(model, size);
        return new PixelizedPsf(output, outRadius, psf.FwhmPixels * (double.IsFinite(scale) && scale > 0 ? scale : 1), fraction);
    }

    private static (float[] Model, int Radius, double Fraction) ModelOf(Psf psf)
    {
        if (psf is PixelizedPsf pixelized)
        {
            return (pixelized.Model.ToArray(), pixelized.Radius, pixelized.EnclosedFraction);
        }

        var radius = Math.Clamp((int)Math.Ceiling(3 * psf.FwhmPixels), 8, 32);
        var stamp = new float[((2 * radius) + 1) * ((2 * radius) + 1)];
        psf.ComputeStamp(0, 0, radius, stamp);
        var sum = stamp.Sum(v => (double)v);
        return (stamp, radius, Math.Clamp(sum, 0.51, 1.5));
    }

    /// <summary>sqrt of the mean of the second moments about the centre, weighted by the positive part of the model.</summary>
    private static double RmsWidth(float[] model, int size)
    {
        var c = size / 2;
        double s = 0, m2 = 0;
        for (var b = 0; b < size; b++)
        {
            for (var a = 0; a < size; a++)
            {
                var v = Math.Max(model[(b * size) + a], 0f);
                s += v;
                m2 += v * (((a - c) * (a - c)) + ((b - c) * (b - c))) / 2.0;
            }
        }

        return Math.Sqrt(m2 / s);
    }
}
