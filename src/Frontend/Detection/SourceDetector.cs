using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Apdb.Frontend.Convolution;
using Apdb.Imaging;

namespace Apdb.Frontend.Detection;

/// <summary>
/// Detection on a PSF-matched S/N image: the image (unusable pixels zeroed) and its variance are smoothed by a Gaussian
/// of the PSF's width, S/N = (G * I) / sqrt((G * V) sum G^2); pixels at or beyond the threshold form 8-connected
/// footprints. A footprint is deblended SExtractor's way (<see cref="MultiThresholdDeblender"/>: 32 exponentially
/// spaced levels, a branch is a child when it holds more than <see cref="DeblendContrast"/> of the footprint's flux) on
/// the image smoothed by a narrower Gaussian; a footprint that does not split yields one peak, the S/N image's maximum.
/// </summary>
public sealed class SourceDetector
{
    /// <summary>Detection threshold, sigma.</summary>
    public double Threshold { get; init; } = 5.0;

    /// <summary>Also detect negative sources (difference images).</summary>
    public bool BothSigns { get; init; }

    /// <summary>Height of a child's peak above the level where it separates, in sigma of the deblending image.</summary>
    public double DeblendDip { get; init; } = 3.0;

    /// <summary>Deblending levels (SExtractor's DEBLEND_NTHRESH); 0 or 1 turns deblending off.</summary>
    public int DeblendLevels { get; init; } = 32;

    /// <summary>A child's flux as a fraction of the footprint's (SExtractor's DEBLEND_MINCONT).</summary>
    public double DeblendContrast { get; init; } = 0.005;

    /// <summary>Divide the S/N image by its own robust sigma (difference images, whose noise is correlated).</summary>
    public bool NormalizeSnr { get; init; }

    /// <summary>The robust sigma the S/N image was divided by in the last <see cref="Detect"/> (1 when not normalized).</summary>
    public double SnrScale { get; private set; } = 1.0;

    /// <summary>Mask bits whose pixels are ignored.</summary>
    public int BadBits { get; init; } = (int)MaskPlanes.Unusable;

    /// <summary>Detects sources; writes DETECTED / DETECTED_NEGATIVE into the mask. Also returns the S/N image.</summary>
    public (IReadOnlyList<DetectedPeak> Peaks, float[] Snr) Detect(Exposure exposure, double psfFwhmPixels)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        var w = exposure.Width;
        var h = exposure.Height;
        var (image, variance) = UsablePlanes(exposure);
        var psfSigma = Math.Max(psfFwhmPixels, 1.0) / GaussianPsf.FwhmPerSigma;
        var (snr, localVariance) = MatchedSnr(image, variance, w, h, psfSigma);
        SnrScale = NormalizeSnr ? NormalizeByRobustSigma(snr, variance, w, h) : 1.0;
        Func<MultiThresholdDeblender>? deblender = null;
        float[]? deblendImage = null;
        if (DeblendLevels > 1)
        {
            // At most half the PSF's sigma and no wider than SExtractor's default 3 x 3 filter (about 0.85 px).
            var narrow = SeparableConvolution.Gaussian(Math.Clamp(0.5 * psfSigma, 0.5, 0.85));
            deblendImage = ScratchPlanes<float>.Rent(w * h);
            SeparableConvolution.Convolve2D(image, w, h, narrow, narrow, deblendImage);
            var narrowSum2 = narrow.Sum(v => (double)v * v);
            var noiseNorm = narrowSum2 * narrowSum2 * SnrScale * SnrScale;
            var planes = deblendImage;
            // One deblender per thread: each keeps scratch state between the levels of a split.
            deblender = () => new MultiThresholdDeblender(planes, localVariance, noiseNorm, w, h)
            {
                Levels = DeblendLevels,
                MinContrast = DeblendContrast,
                MinHeight = DeblendDip,
            };
        }

        var peaks = FindFootprints(exposure, snr, deblender);
        // The work planes die here (the deblender and its images go with this call); the S/N image is the caller's.
        ScratchPlanes<float>.Return(image);
        ScratchPlanes<float>.Return(variance);
        ScratchPlanes<float>.Return(localVariance);
        ScratchPlanes<float>.Return(deblendImage);
        return (peaks, snr);
    }

    private (float[] Image, float[] Variance) UsablePlanes(Exposure exposure)
    {
        var w = exposure.Width;
        var image = ScratchPlanes<float>.Rent(w * exposure.Height);
        var variance = ScratchPlanes<float>.Rent(w * exposure.Height);
        Parallel.For(0, exposure.Height, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                var usable = (exposure.Mask[k] & BadBits) == 0 && float.IsFinite(exposure.Image[k]) && float.IsFinite(exposure.Variance[k]);
                image[k] = usable ? exposure.Image[k] : 0f;
                variance[k] = usable ? Math.Max(exposure.Variance[k], 0f) : 0f;
            }
        });
        return (image, variance);
    }

    /// <summary>The matched-filter S/N image and the smoothed variance G * V it was divided by.</summary>
    private static (float[] Snr, float[] SmoothVariance) MatchedSnr(float[] image, float[] variance, int w, int h, double psfSigma)
    {
        var kernel = SeparableConvolution.Gaussian(psfSigma);
        double sum2 = 0;
        foreach (var v in kernel)
        {
            sum2 += v * v;
        }

        var snr = SeparableConvolution.Convolve2D(image, w, h, kernel, kernel);
        var smoothVar = ScratchPlanes<float>.Rent(w * h);
        SeparableConvolution.Convolve2D(variance, w, h, kernel, kernel, smoothVar);
        var norm = (float)(sum2 * sum2);
        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                var v = smoothVar[k] * norm;
                snr[k] = v > 0 ? snr[k] / MathF.Sqrt(v) : 0f;
            }
        });
        return (snr, smoothVar);
    }

    /// <summary>
    /// Correlated noise (a convolved template, a warp) makes the per-pixel variance understate the noise of the smoothed
    /// image: the S/N image is divided by its robust sigma over a pixel sample (sources barely move the IQR). Returns the
    /// sigma divided by (1 when there were too few samples).
    /// </summary>
    private static double NormalizeByRobustSigma(float[] snr, float[] variance, int w, int h)
    {
        var sample = new float[(snr.Length + 12) / 13];
        var count = 0;
        for (var k = 0; k < snr.Length; k += 13)
        {
            if (variance[k] > 0 && float.IsFinite(snr[k]))
            {
                sample[count++] = snr[k];
            }
        }

        if (count <= 1000)
        {
            return 1.0;
        }

        // Quartiles by selection (linear time); non-finite values are left out.
        var sigma = PixelMath.InterquartileRange(sample.AsSpan(0, count)) / 1.349f;
        if (!(sigma > 0))
        {
            return 1.0;
        }

        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                snr[k] /= sigma;
            }
        });
        return sigma;
    }

    /// <summary>
    /// Footprints in scan order (positive, then negative), each labelled and flagged in the mask; then each one's
    /// deblending, in parallel (a footprint's children depend only on the planes); then the peaks, in footprint order.
    /// </summary>
    private List<DetectedPeak> FindFootprints(Exposure exposure, float[] snr, Func<MultiThresholdDeblender>? deblender)
    {
        var w = exposure.Width;
        var labels = ScratchPlanes<int>.RentCleared(exposure.Width * exposure.Height);
        var footprints = new List<(List<int> Pixels, int Bbox, int MaskOr, int Sign)>();
        for (var sign = 1; sign >= (BothSigns ? -1 : 1); sign -= 2)
        {
            var detectedBit = sign > 0 ? (int)MaskPlane.Detected : (int)MaskPlane.DetectedNegative;
            for (var start = NextAtThreshold(snr, 0, sign); start >= 0; start = NextAtThreshold(snr, start + 1, sign))
            {
                if (labels[start] != 0)
                {
                    continue;
                }

                var pixels = new List<int>();
                var (bbox, maskOr) = GrowFootprint(exposure, snr, labels, start, footprints.Count + 1, sign, pixels);
                foreach (var k in pixels)
                {
                    exposure.Mask[k] |= detectedBit;
                }

                footprints.Add((pixels, bbox, maskOr, sign));
            }
        }

        ScratchPlanes<int>.Return(labels);
        var split = new List<int>[footprints.Count];
        if (deblender is not null)
        {
            Parallel.For(0, footprints.Count, deblender, (f, _, d) =>
            {
                split[f] = d.Split(footprints[f].Pixels, footprints[f].Sign);
                return d;
            }, _ => { });
        }

        var peaks = new List<DetectedPeak>();
        for (var f = 0; f < footprints.Count; f++)
        {
            var (pixels, bbox, maskOr, sign) = footprints[f];
            var children = split[f] ?? [];
            if (children.Count < 2)
            {
                children = [ArgMax(pixels, snr, sign)];
            }

            foreach (var k in children)
            {
                peaks.Add(new DetectedPeak(k % w, k / w, snr[k], f, pixels.Count, children.Count, bbox, maskOr));
            }
        }

        return peaks;
    }

    /// <summary>
    /// The first pixel from <paramref name="from"/> with sign * S/N at or beyond the threshold, or -1: whole vectors
    /// below a threshold a float step lower are skipped, and each remaining pixel gets the exact test.
    /// </summary>
    private int NextAtThreshold(float[] snr, int from, int sign)
    {
        var n = snr.Length;
        var i = from;
        var below = Vector512.Create(MathF.BitDecrement((float)Threshold));
        while (i < n)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + Vector512<float>.Count <= n; i += Vector512<float>.Count)
                {
                    var v = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(snr), (nuint)i);
                    if (Vector512.GreaterThanOrEqualAny(sign > 0 ? v : -v, below))
                    {
                        break;
                    }
                }
            }

            var end = Math.Min(n, i + Vector512<float>.Count);
            for (; i < end; i++)
            {
                if (sign * snr[i] >= Threshold)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>Labels the 8-connected pixels at or beyond the threshold from <paramref name="start"/>; fills <paramref name="pixels"/>.</summary>
    private (int Bbox, int MaskOr) GrowFootprint(Exposure exposure, float[] snr, int[] labels, int start, int label, int sign, List<int> pixels)
    {
        var w = exposure.Width;
        var h = exposure.Height;
        var threshold = (float)Threshold;
        pixels.Clear();
        labels[start] = label;
        var stack = new Stack<int>();
        stack.Push(start);
        var maskOr = 0;
        int minX = int.MaxValue, maxX = -1, minY = int.MaxValue, maxY = -1;
        while (stack.Count > 0)
        {
            var k = stack.Pop();
            pixels.Add(k);
            var x = k % w;
            var y = k / w;
            minX = Math.Min(minX, x);
            maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y);
            maxY = Math.Max(maxY, y);
            maskOr |= exposure.Mask[k];
            for (var yy = Math.Max(y - 1, 0); yy <= Math.Min(y + 1, h - 1); yy++)
            {
                for (var xx = Math.Max(x - 1, 0); xx <= Math.Min(x + 1, w - 1); xx++)
                {
                    var n = (yy * w) + xx;
                    if (labels[n] == 0 && sign * snr[n] >= threshold)
                    {
                        labels[n] = label;
                        stack.Push(n);
                    }
                }
            }
        }

        return (Math.Max(maxX - minX + 1, maxY - minY + 1), maskOr);
    }

    /// <summary>The footprint's S/N maximum; ties go to the earlier pixel.</summary>
    private static int ArgMax(List<int> pixels, float[] snr, int sign)
    {
        var best = pixels[0];
        foreach (var k in pixels)
        {
            var v = sign * snr[k];
            var b = sign * snr[best];
            if (v > b || (v == b && k < best))
            {
                best = k;
            }
        }

        return best;
    }
}
