using Apdb.Frontend.Convolution;
using Apdb.Imaging;

namespace Apdb.Frontend.Detection;

/// <summary>
/// Detection on a PSF-matched S/N image: the image (unusable pixels zeroed) and its variance are smoothed by a Gaussian
/// of the PSF's width, S/N = (G * I) / sqrt((G * V) sum G^2); pixels at or beyond the threshold form 8-connected
/// footprints; a footprint's local maxima are its peaks, and a fainter peak becomes a separate child (simple deblending)
/// when it lies at least one FWHM from every brighter kept peak and the S/N dips by at least <see cref="DeblendDip"/>
/// between them.
/// </summary>
public sealed class SourceDetector
{
    /// <summary>Detection threshold, sigma.</summary>
    public double Threshold { get; init; } = 5.0;

    /// <summary>Also detect negative sources (difference images).</summary>
    public bool BothSigns { get; init; }

    /// <summary>S/N dip between two peaks needed to split them.</summary>
    public double DeblendDip { get; init; } = 3.0;

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
        var image = GC.AllocateUninitializedArray<float>(w * h);
        var variance = GC.AllocateUninitializedArray<float>(w * h);
        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                var usable = (exposure.Mask[k] & BadBits) == 0 && float.IsFinite(exposure.Image[k]) && float.IsFinite(exposure.Variance[k]);
                image[k] = usable ? exposure.Image[k] : 0f;
                variance[k] = usable ? Math.Max(exposure.Variance[k], 0f) : 0f;
            }
        });

        var kernel = SeparableConvolution.Gaussian(Math.Max(psfFwhmPixels, 1.0) / GaussianPsf.FwhmPerSigma);
        double sum2 = 0;
        foreach (var v in kernel)
        {
            sum2 += v * v;
        }

        var smooth = SeparableConvolution.Convolve2D(image, w, h, kernel, kernel);
        var smoothVar = SeparableConvolution.Convolve2D(variance, w, h, kernel, kernel);
        var norm = (float)(sum2 * sum2);
        var snr = smooth; // reuse
        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                var v = smoothVar[k] * norm;
                snr[k] = v > 0 ? smooth[k] / MathF.Sqrt(v) : 0f;
            }
        });

        if (NormalizeSnr)
        {
            // Correlated noise (a convolved template, a warp) makes the per-pixel variance understate the noise of the
            // smoothed image: scale the S/N image by its robust sigma over a pixel sample (sources barely move the IQR).
            var sample = new float[(snr.Length + 12) / 13];
            var count = 0;
            for (var k = 0; k < snr.Length; k += 13)
            {
                if (variance[k] > 0 && float.IsFinite(snr[k]))
                {
                    sample[count++] = snr[k];
                }
            }

            if (count > 1000)
            {
                // Quartiles by selection (linear time, where a sort of a million samples is N log N); non-finite values, which a
                // sort put first and which shifted the quartiles, are left out.
                var values = sample.AsSpan(0, count);
                var q1 = PixelMath.Select(values, count / 4);
                var q3 = PixelMath.Select(values, (3 * count) / 4);
                var sigma = (q3 - q1) / 1.349f;
                if (sigma > 0)
                {
                    SnrScale = sigma;
                    Parallel.For(0, h, y =>
                    {
                        for (var k = y * w; k < (y + 1) * w; k++)
                        {
                            snr[k] /= sigma;
                        }
                    });
                }
            }
        }

        var peaks = new List<DetectedPeak>();
        var labels = new int[w * h];
        var threshold = (float)Threshold;
        var footprints = 0;
        var stack = new Stack<int>();
        var pixels = new List<int>();
        for (var sign = 1; sign >= (BothSigns ? -1 : 1); sign -= 2)
        {
            var detectedBit = sign > 0 ? (int)MaskPlane.Detected : (int)MaskPlane.DetectedNegative;
            for (var start = 0; start < labels.Length; start++)
            {
                if (labels[start] != 0 || !(sign * snr[start] >= threshold))
                {
                    continue;
                }

                footprints++;
                pixels.Clear();
                labels[start] = footprints;
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
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        var yy = y + dy;
                        if ((uint)yy >= (uint)h)
                        {
                            continue;
                        }

                        for (var dx = -1; dx <= 1; dx++)
                        {
                            var xx = x + dx;
                            if ((uint)xx >= (uint)w)
                            {
                                continue;
                            }

                            var n = (yy * w) + xx;
                            if (labels[n] == 0 && sign * snr[n] >= threshold)
                            {
                                labels[n] = footprints;
                                stack.Push(n);
                            }
                        }
                    }
                }

                foreach (var k in pixels)
                {
                    exposure.Mask[k] |= detectedBit;
                }

                var bbox = Math.Max(maxX - minX + 1, maxY - minY + 1);
                var kept = Deblend(pixels, snr, w, h, sign, psfFwhmPixels);
                foreach (var k in kept)
                {
                    peaks.Add(new DetectedPeak(k % w, k / w, snr[k], footprints - 1, pixels.Count, kept.Count, bbox, maskOr));
                }
            }
        }

        return (peaks, snr);
    }

    private List<int> Deblend(List<int> pixels, float[] snr, int w, int h, int sign, double fwhm)
    {
        var candidates = new List<int>();
        foreach (var k in pixels)
        {
            var v = sign * snr[k];
            var x = k % w;
            var y = k / w;
            var isMax = true;
            for (var dy = -1; dy <= 1 && isMax; dy++)
            {
                for (var dx = -1; dx <= 1; dx++)
                {
                    if ((dx | dy) == 0)
                    {
                        continue;
                    }

                    var xx = x + dx;
                    var yy = y + dy;
                    if ((uint)xx < (uint)w && (uint)yy < (uint)h)
                    {
                        var n = sign * snr[(yy * w) + xx];
                        // Ties go to the earlier pixel so a flat top yields one peak.
                        if (n > v || (n == v && (yy * w) + xx < k))
                        {
                            isMax = false;
                            break;
                        }
                    }
                }
            }

            if (isMax)
            {
                candidates.Add(k);
            }
        }

        candidates.Sort((a, b) => (sign * snr[b]).CompareTo(sign * snr[a]));
        var kept = new List<int>();
        var minSeparation2 = Math.Max(fwhm, 2.0) * Math.Max(fwhm, 2.0);
        foreach (var c in candidates)
        {
            var cx = c % w;
            var cy = c / w;
            var separate = true;
            foreach (var p in kept)
            {
                var px = p % w;
                var py = p / w;
                var d2 = ((cx - px) * (cx - px)) + ((cy - py) * (cy - py));
                if (d2 < minSeparation2 || sign * snr[c] - MinAlong(snr, w, sign, cx, cy, px, py) < DeblendDip)
                {
                    separate = false;
                    break;
                }
            }

            if (separate)
            {
                kept.Add(c);
            }
        }

        return kept;
    }

    private static float MinAlong(float[] snr, int w, int sign, int x0, int y0, int x1, int y1)
    {
        var steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0));
        var min = float.MaxValue;
        for (var s = 0; s <= steps; s++)
        {
            var x = (int)Math.Round(x0 + ((x1 - x0) * (double)s / steps));
            var y = (int)Math.Round(y0 + ((y1 - y0) * (double)s / steps));
            min = Math.Min(min, sign * snr[(y * w) + x]);
        }

        return min;
    }
}
