namespace Apdb.Imaging;

/// <summary>
/// Estimates a smooth background and its RMS on meshes (default 64 px). Pass 1 takes each mesh's sigma-clipped
/// mode (2.5 median - 1.5 mean when the clipped distribution is not skewed, as SExtractor), 3x3 median-filtered.
/// Pass 2 masks sources (a 5x5 box-smoothed residual above 4 sigma, dilated by 8 px to cover PSF wings) and takes the clipped mean of
/// what is left: with sources masked the pixels are close to Gaussian and the clipped mean is unbiased, which
/// blank-sky forced photometry needs (a background error of 2% of the pixel noise shifts PSF-flux pulls by ~0.1).
/// </summary>
public static class BackgroundEstimator
{
    /// <summary>Standard deviation of a unit Gaussian clipped at +/-3 sigma: clipped RMS values are divided by it.</summary>
    private const double ClippedSigmaFactor = 0.9866;

    /// <summary>Estimates the background of an image; pixels with any of <paramref name="badBits"/> set or NaN are ignored.</summary>
    public static BackgroundMap Estimate(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<int> mask, int badBits, int meshSize = 64)
    {
        if (image.Length != width * height || (mask.Length != 0 && mask.Length != image.Length))
        {
            throw new ArgumentException($"image of {image.Length} pixels and mask of {mask.Length} do not match {width} x {height}");
        }

        if (meshSize < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(meshSize), meshSize, "the mesh must be at least 8 pixels");
        }

        var img = image.ToArray();
        var msk = mask.Length == 0 ? null : mask.ToArray();
        var nx = Math.Max(1, (int)Math.Round((double)width / meshSize));
        var ny = Math.Max(1, (int)Math.Round((double)height / meshSize));

        // Pass 1: clipped mode on a subsample of each mesh.
        var level = new float[nx * ny];
        var rms = new float[nx * ny];
        Parallel.For(0, ny, j =>
        {
            var buffer = new List<float>(meshSize * meshSize);
            for (var i = 0; i < nx; i++)
            {
                Collect(img, msk, badBits, width, height, nx, ny, i, j, null, 2, buffer);
                (level[(j * nx) + i], rms[(j * nx) + i]) = ClippedMode(buffer);
            }
        });
        var first = Finish(width, height, meshSize, nx, ny, level, rms);

        // Pass 2: mask sources, clipped mean of the rest.
        var sources = SourceMask(img, msk, badBits, width, height, first);
        var level2 = new float[nx * ny];
        var rms2 = new float[nx * ny];
        Parallel.For(0, ny, j =>
        {
            var buffer = new List<float>(meshSize * meshSize);
            for (var i = 0; i < nx; i++)
            {
                Collect(img, msk, badBits, width, height, nx, ny, i, j, sources, 1, buffer);
                (level2[(j * nx) + i], rms2[(j * nx) + i]) = ClippedMean(buffer, first.MeshLevel[(j * nx) + i], first.MeshRms[(j * nx) + i]);
            }
        });
        return Finish(width, height, meshSize, nx, ny, level2, rms2);
    }

    private static BackgroundMap Finish(int width, int height, int meshSize, int nx, int ny, float[] level, float[] rms)
    {
        FillHoles(level, nx, ny);
        FillHoles(rms, nx, ny);
        return new BackgroundMap(width, height, meshSize, nx, ny, MedianFilter3(level, nx, ny), MedianFilter3(rms, nx, ny));
    }

    private static void Collect(float[] img, int[]? msk, int badBits, int width, int height, int nx, int ny, int i, int j, bool[]? exclude, int stride, List<float> buffer)
    {
        buffer.Clear();
        var x0 = (int)((long)i * width / nx);
        var x1 = (int)((long)(i + 1) * width / nx);
        var y0 = (int)((long)j * height / ny);
        var y1 = (int)((long)(j + 1) * height / ny);
        for (var y = y0; y < y1; y += stride)
        {
            var row = y * width;
            for (var x = x0; x < x1; x += stride)
            {
                var k = row + x;
                var v = img[k];
                if (float.IsFinite(v) && (msk is null || (msk[k] & badBits) == 0) && (exclude is null || !exclude[k]))
                {
                    buffer.Add(v);
                }
            }
        }
    }

    private static (float Level, float Rms) ClippedMode(List<float> values)
    {
        if (values.Count < 16)
        {
            return (float.NaN, float.NaN);
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        span.Sort();
        int lo = 0, hi = span.Length;
        double median = 0, mean = 0, sigma = 0;
        for (var iteration = 0; iteration < 5; iteration++)
        {
            var kept = span[lo..hi];
            median = kept[kept.Length / 2];
            double s = 0, s2 = 0;
            foreach (var v in kept)
            {
                s += v;
                s2 += (double)v * v;
            }

            mean = s / kept.Length;
            sigma = Math.Sqrt(Math.Max(0, (s2 / kept.Length) - (mean * mean)));
            var newLo = LowerBound(span, (float)(median - (3 * sigma)));
            var newHi = LowerBound(span, (float)(median + (3 * sigma)), upper: true);
            if ((newLo == lo && newHi == hi) || newHi - newLo < 8)
            {
                break;
            }

            lo = newLo;
            hi = newHi;
        }

        var mode = Math.Abs(mean - median) < 0.3 * sigma ? (2.5 * median) - (1.5 * mean) : median;
        return ((float)mode, (float)(sigma / ClippedSigmaFactor));
    }

    private static (float Level, float Rms) ClippedMean(List<float> values, float centre, float scale)
    {
        // Sources are masked, so the distribution is near Gaussian: iterate a symmetric 3-sigma clip about the mean,
        // starting from pass 1's level and RMS. No sort: each iteration is one pass.
        if (values.Count < 16 || !float.IsFinite(centre) || !(scale > 0))
        {
            return (float.NaN, float.NaN);
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        double c = centre, sd = scale;
        for (var iteration = 0; iteration < 10; iteration++)
        {
            double s = 0, s2 = 0;
            var n = 0;
            var lo = c - (3 * sd);
            var hi = c + (3 * sd);
            foreach (var v in span)
            {
                if (v >= lo && v <= hi)
                {
                    var d = v - c;
                    s += d;
                    s2 += d * d;
                    n++;
                }
            }

            if (n < 8)
            {
                return (float.NaN, float.NaN);
            }

            var meanOffset = s / n;
            var newC = c + meanOffset;
            var newSd = Math.Sqrt(Math.Max(0, (s2 / n) - (meanOffset * meanOffset))) / ClippedSigmaFactor;
            var converged = Math.Abs(newC - c) < 1e-4 * sd && Math.Abs(newSd - sd) < 1e-4 * sd;
            c = newC;
            sd = newSd;
            if (converged)
            {
                break;
            }
        }

        return ((float)c, (float)sd);
    }

    private static int LowerBound(ReadOnlySpan<float> sorted, float value, bool upper = false)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (upper ? sorted[mid] <= value : sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static bool[] SourceMask(float[] img, int[]? msk, int badBits, int width, int height, BackgroundMap first)
    {
        const int Box = 2;
        const int Dilate = 8;
        var n = width * height;
        var (level, rms) = first.ToImages();
        var residual = new float[n];
        Parallel.For(0, height, y =>
        {
            for (var k = y * width; k < (y + 1) * width; k++)
            {
                var v = img[k] - level[k];
                residual[k] = float.IsFinite(v) && (msk is null || (msk[k] & badBits) == 0) ? v : 0f;
            }
        });
        var smooth = BoxSmooth(residual, width, height, Box);

        // Noise of the smoothed image, measured (difference images have correlated noise), relative to the local RMS.
        var sample = new List<float>();
        for (var k = 0; k < n; k += 97)
        {
            if (rms[k] > 0)
            {
                sample.Add(smooth[k] / rms[k]);
            }
        }

        var ratio = RobustSigma(sample);
        var detected = new bool[n];
        Parallel.For(0, height, y =>
        {
            for (var k = y * width; k < (y + 1) * width; k++)
            {
                detected[k] = smooth[k] > 4f * ratio * rms[k];
            }
        });
        return Dilated(detected, width, height, Dilate);
    }

    private static float RobustSigma(List<float> sample)
    {
        if (sample.Count < 10)
        {
            return 1f;
        }

        sample.Sort();
        var median = sample[sample.Count / 2];
        var deviations = sample.Select(v => Math.Abs(v - median)).Order().ToArray();
        return (float)(1.4826 * deviations[deviations.Length / 2]);
    }

    internal static float[] BoxSmooth(float[] input, int width, int height, int half)
    {
        var tmp = new float[input.Length];
        var output = new float[input.Length];
        var norm = 1f / (((2 * half) + 1) * ((2 * half) + 1));
        Parallel.For(0, height, y =>
        {
            var row = y * width;
            for (var x = 0; x < width; x++)
            {
                var s = 0f;
                for (var d = -half; d <= half; d++)
                {
                    var xx = Math.Clamp(x + d, 0, width - 1);
                    s += input[row + xx];
                }

                tmp[row + x] = s;
            }
        });
        Parallel.For(0, height, y =>
        {
            for (var x = 0; x < width; x++)
            {
                var s = 0f;
                for (var d = -half; d <= half; d++)
                {
                    var yy = Math.Clamp(y + d, 0, height - 1);
                    s += tmp[(yy * width) + x];
                }

                output[(y * width) + x] = s * norm;
            }
        });
        return output;
    }

    private static bool[] Dilated(bool[] input, int width, int height, int radius)
    {
        var tmp = new bool[input.Length];
        var output = new bool[input.Length];
        Parallel.For(0, height, y =>
        {
            var row = y * width;
            var last = int.MinValue / 2;
            for (var x = 0; x < width + radius; x++)
            {
                if (x < width && input[row + x])
                {
                    last = x;
                }

                var target = x - radius;
                if (target >= 0 && target < width)
                {
                    tmp[row + target] = x - last <= 2 * radius;
                }
            }
        });
        Parallel.For(0, width, x =>
        {
            var last = int.MinValue / 2;
            for (var y = 0; y < height + radius; y++)
            {
                if (y < height && tmp[(y * width) + x])
                {
                    last = y;
                }

                var target = y - radius;
                if (target >= 0 && target < height)
                {
                    output[(target * width) + x] = y - last <= 2 * radius;
                }
            }
        });
        return output;
    }

    private static void FillHoles(float[] grid, int nx, int ny)
    {
        if (grid.All(v => !float.IsFinite(v)))
        {
            Array.Fill(grid, 0f);
            return;
        }

        for (var pass = 0; pass < nx + ny && grid.Any(v => !float.IsFinite(v)); pass++)
        {
            var copy = (float[])grid.Clone();
            for (var j = 0; j < ny; j++)
            {
                for (var i = 0; i < nx; i++)
                {
                    if (float.IsFinite(copy[(j * nx) + i]))
                    {
                        continue;
                    }

                    double s = 0;
                    var c = 0;
                    for (var dj = -1; dj <= 1; dj++)
                    {
                        for (var di = -1; di <= 1; di++)
                        {
                            var ii = i + di;
                            var jj = j + dj;
                            if (ii >= 0 && jj >= 0 && ii < nx && jj < ny && float.IsFinite(copy[(jj * nx) + ii]))
                            {
                                s += copy[(jj * nx) + ii];
                                c++;
                            }
                        }
                    }

                    if (c > 0)
                    {
                        grid[(j * nx) + i] = (float)(s / c);
                    }
                }
            }
        }
    }

    private static float[] MedianFilter3(float[] grid, int nx, int ny)
    {
        var output = new float[grid.Length];
        Span<float> window = stackalloc float[9];
        for (var j = 0; j < ny; j++)
        {
            for (var i = 0; i < nx; i++)
            {
                var c = 0;
                for (var dj = -1; dj <= 1; dj++)
                {
                    for (var di = -1; di <= 1; di++)
                    {
                        var ii = i + di;
                        var jj = j + dj;
                        if (ii >= 0 && jj >= 0 && ii < nx && jj < ny)
                        {
                            window[c++] = grid[(jj * nx) + ii];
                        }
                    }
                }

                var w = window[..c];
                w.Sort();
                output[(j * nx) + i] = c % 2 == 1 ? w[c / 2] : 0.5f * (w[(c / 2) - 1] + w[c / 2]);
            }
        }

        return output;
    }
}
