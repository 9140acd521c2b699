using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Apdb.Sky;

namespace Apdb.Imaging;

/// <summary>
/// Estimates a smooth background and its RMS on meshes (default 64 px), SExtractor/SEP style, in two streaming passes
/// over the image, each parallel over bands of mesh rows. Pass 1 gathers every other pixel of each mesh along both axes
/// (1024 values for 64 px meshes) into an L1-resident buffer and takes its clipped mode (2.5 median - 1.5 mean when the
/// clipped distribution is not skewed, as SExtractor) from a histogram built in one sweep; the mesh grid is
/// hole-filled and 3x3 median-filtered. Pass 2 walks each band once more with a halo: it masks sources (the residual
/// binned 2x2, box-smoothed 3x3 (6x6 px), above 4 sigma, dilated by 4 binned pixels (8-9 px) to cover PSF wings) and
/// takes the clipped mean of every pixel left: with sources masked the pixels are close to Gaussian and the clipped mean
/// is unbiased, which blank-sky forced photometry needs (a background error of 2% of the pixel noise shifts PSF-flux
/// pulls by ~0.1; the mode alone is ~1.7% of the noise low on a Poisson sky of 500 counts).
/// </summary>
public static class BackgroundEstimator
{
    /// <summary>Standard deviation of a unit Gaussian clipped at +/-3 sigma: clipped RMS values are divided by it.</summary>
    private const double ClippedSigmaFactor = 0.9866;

    /// <summary>Half-width, in binned (2x2) pixels, of the box that smooths the residual before detection.</summary>
    private const int BoxHalf = 1;

    /// <summary>Dilation of detections, in binned pixels, each way.</summary>
    private const int DilateRadius = 4;

    /// <summary>Halo of binned rows a band needs around itself.</summary>
    private const int Halo = BoxHalf + DilateRadius;

    private const int HistogramBins = 256;
    private const double HistogramHalfRange = 8.0;
    private const int SubsampleSize = 128;

    /// <summary>Estimates the background of an image; pixels with any of <paramref name="badBits"/> set or NaN are ignored.</summary>
    public static BackgroundMap Estimate(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<int> mask, int badBits, int meshSize = 64)
    {
        if (width < 1 || height < 1 || image.Length != (long)width * height || (mask.Length != 0 && mask.Length != image.Length))
        {
            throw new ArgumentException($"image of {image.Length} pixels and mask of {mask.Length} do not match {width} x {height}");
        }

        if (meshSize < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(meshSize), meshSize, "the mesh must be at least 8 pixels");
        }

        unsafe
        {
            fixed (float* imagePointer = image)
            fixed (int* maskPointer = mask)
            {
                var source = new Source((nint)imagePointer, mask.Length == 0 ? 0 : (nint)maskPointer, badBits, width, height, RowsWithBadBits(mask, width, height, badBits));
                return Estimate(source, meshSize);
            }
        }
    }

    private static BackgroundMap Estimate(Source source, int meshSize)
    {
        var (width, height) = (source.Width, source.Height);
        var nx = Math.Max(1, (int)Math.Round((double)width / meshSize));
        var ny = Math.Max(1, (int)Math.Round((double)height / meshSize));

        // Pass 1: clipped mode of every mesh.
        var level = new float[nx * ny];
        var rms = new float[nx * ny];
        Parallel.For(0, ny, () => new MeshScratch(width, height, nx, ny), (j, _, scratch) =>
        {
            for (var i = 0; i < nx; i++)
            {
                var values = scratch.Gather(source, i, j, null, 0);
                (level[(j * nx) + i], rms[(j * nx) + i]) = ClippedMode(values, scratch);
            }

            return scratch;
        }, _ => { });
        var first = Finish(width, height, meshSize, nx, ny, level, rms);

        // Pass 2: mask sources band by band, clipped mean of the rest.
        var ratio = SmoothedNoiseRatio(source, first);
        var level2 = new float[nx * ny];
        var rms2 = new float[nx * ny];
        Parallel.For(0, ny, () => new MeshScratch(width, height, nx, ny), (j, _, scratch) =>
        {
            var y0 = MeshStart(j, height, ny);
            var y1 = MeshStart(j + 1, height, ny);
            var (detected, baseRow) = scratch.SourceMask(source, first, y0, y1, ratio);
            for (var i = 0; i < nx; i++)
            {
                var values = scratch.Gather(source, i, j, detected, baseRow, stride: 1);
                (level2[(j * nx) + i], rms2[(j * nx) + i]) = ClippedMean(values, first.MeshLevel[(j * nx) + i], first.MeshRms[(j * nx) + i]);
            }

            return scratch;
        }, _ => { });
        return Finish(width, height, meshSize, nx, ny, level2, rms2);
    }

    /// <summary>First row (or column) of mesh <paramref name="k"/> of <paramref name="meshes"/> across <paramref name="extent"/>.</summary>
    private static int MeshStart(int k, int extent, int meshes) => (int)((long)k * extent / meshes);

    private static BackgroundMap Finish(int width, int height, int meshSize, int nx, int ny, float[] level, float[] rms)
    {
        FillHoles(level, nx, ny);
        FillHoles(rms, nx, ny);
        return new BackgroundMap(width, height, meshSize, nx, ny, MedianFilter3(level, nx, ny), MedianFilter3(rms, nx, ny));
    }

    /// <summary>
    /// SExtractor's clipped mode from a histogram: a robust start from a subsample (median, and the lower quartile for
    /// the width, which sources do not reach), then iterated +/-3 sigma clips about the median evaluated on a histogram
    /// of all the values (bins of sigma0/16 over +/-8 sigma0; bin centres stand for their values, which adds only
    /// (sigma0/16)^2/12 to the variance). No sort: selection on 128 values, then one sweep of the buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (float Level, float Rms) ClippedMode(Span<float> values, MeshScratch scratch)
    {
        var n = values.Length;
        if (n < 16)
        {
            return (float.NaN, float.NaN);
        }

        var sample = scratch.Sample;
        var m = Math.Min(SubsampleSize, n);
        for (var k = 0; k < m; k++)
        {
            sample[k] = values[(int)((long)k * n / m)];
        }

        var start = sample.AsSpan(0, m);
        var median = PixelMath.Select(start, m / 2);
        var quartile = PixelMath.Select(start[..(m / 2)], m / 4);
        var sigma0 = (median - quartile) / 0.6745;
        if (!(sigma0 > 0))
        {
            // Quantized or constant data: fall back to the plain moments about the median.
            double s = 0, s2 = 0;
            foreach (var v in values)
            {
                s += v - median;
                s2 += (double)(v - median) * (v - median);
            }

            var offset = s / n;
            return (median, (float)Math.Sqrt(Math.Max(0, (s2 / n) - (offset * offset))));
        }

        var width = 2 * HistogramHalfRange * sigma0 / HistogramBins;
        var lo = median - (HistogramHalfRange * sigma0);
        var scale = (float)(1 / width);
        var counts = scratch.Counts;
        Array.Clear(counts);
        var flo = (float)lo;
        foreach (var v in values)
        {
            var b = (v - flo) * scale;
            if (b >= 0 && b < HistogramBins)
            {
                counts[(int)b]++;
            }
        }

        // In bin units from here on: value = lo + (bin + 0.5) * width.
        double med = HistogramMedian(counts, 0, HistogramBins, -1), mean = med, sigma = HistogramBins / (2 * HistogramHalfRange);
        for (var iteration = 0; iteration < 10; iteration++)
        {
            var b0 = Math.Clamp((int)Math.Round(med - (3 * sigma)), 0, HistogramBins);
            var b1 = Math.Clamp((int)Math.Round(med + (3 * sigma)), 0, HistogramBins);
            long c = 0;
            double s = 0, s2 = 0;
            for (var b = b0; b < b1; b++)
            {
                double centre = b + 0.5;
                c += counts[b];
                s += counts[b] * centre;
                s2 += counts[b] * centre * centre;
            }

            if (c < 8)
            {
                break;
            }

            var newMean = s / c;
            var newSigma = Math.Sqrt(Math.Max(0, (s2 / c) - (newMean * newMean)));
            var newMed = HistogramMedian(counts, b0, b1, c);
            var converged = Math.Abs(newMed - med) < 1e-3 && Math.Abs(newSigma - sigma) < 1e-3;
            med = newMed;
            mean = newMean;
            sigma = newSigma;
            if (converged || !(sigma > 0))
            {
                break;
            }
        }

        var mode = Math.Abs(mean - med) < 0.3 * sigma ? (2.5 * med) - (1.5 * mean) : med;
        return ((float)(lo + (mode * width)), (float)(sigma * width / ClippedSigmaFactor));
    }

    /// <summary>The median, in bin units, of the histogram counts in [b0, b1) holding <paramref name="total"/> values (-1: count them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double HistogramMedian(int[] counts, int b0, int b1, long total)
    {
        if (total < 0)
        {
            total = 0;
            for (var b = b0; b < b1; b++)
            {
                total += counts[b];
            }
        }

        var half = total / 2.0;
        double cumulative = 0;
        for (var b = b0; b < b1; b++)
        {
            if (cumulative + counts[b] >= half && counts[b] > 0)
            {
                return b + ((half - cumulative) / counts[b]);
            }

            cumulative += counts[b];
        }

        return b1;
    }


    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float Level, float Rms) ClippedMean(Span<float> values, float centre, float scale)
    {
        // Sources are masked, so the distribution is near Gaussian: iterate a symmetric 3-sigma clip about the mean,
        // starting from pass 1's level and RMS. No sort: each iteration is one SIMD pass over the L1-resident buffer.
        if (values.Length < 16 || !float.IsFinite(centre) || !(scale > 0))
        {
            return (float.NaN, float.NaN);
        }

        double c = centre, sd = scale;
        for (var iteration = 0; iteration < 10; iteration++)
        {
            var (n, s, s2) = ClippedSums(values, (float)c, (float)(3 * sd));
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

    /// <summary>Count, sum and sum of squares of (v - centre) over values within +/-<paramref name="halfWidth"/> of the centre.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (int Count, double Sum, double SumSquares) ClippedSums(ReadOnlySpan<float> values, float centre, float halfWidth)
    {
        var i = 0;
        double s = 0, s2 = 0;
        var n = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            ref var v0 = ref MemoryMarshal.GetReference(values);
            var c = Vector256.Create(centre);
            var w = Vector256.Create(halfWidth);
            Vector256<float> accS = default, accS2 = default;
            Vector256<int> accN = default;
            var blocks = 0;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref v0, (nuint)i) - c;
                var inside = Vector256.LessThanOrEqual(Vector256.Abs(d), w);
                var kept = d & inside;
                accS += kept;
                accS2 += kept * kept;
                accN -= inside.AsInt32();

                // Float partial sums stay exact enough for a few hundred terms a lane; flush to double regularly.
                if (++blocks == 256)
                {
                    s += Vector256.Sum(accS.WidenedLower()) + Vector256.Sum(accS.WidenedUpper());
                    s2 += Vector256.Sum(accS2.WidenedLower()) + Vector256.Sum(accS2.WidenedUpper());
                    accS = default;
                    accS2 = default;
                    blocks = 0;
                }
            }

            s += Vector256.Sum(accS.WidenedLower()) + Vector256.Sum(accS.WidenedUpper());
            s2 += Vector256.Sum(accS2.WidenedLower()) + Vector256.Sum(accS2.WidenedUpper());
            n = Vector256.Sum(accN);
        }

        for (; i < values.Length; i++)
        {
            var d = values[i] - centre;
            if (Math.Abs(d) <= halfWidth)
            {
                s += d;
                s2 += (double)d * d;
                n++;
            }
        }

        return (n, s, s2);
    }

    private static Vector256<double> WidenedLower(this Vector256<float> v) => Vector256.WidenLower(v);

    private static Vector256<double> WidenedUpper(this Vector256<float> v) => Vector256.WidenUpper(v);

    /// <summary>
    /// The robust RMS of the detection image (residual binned 2x2 and box-summed 3x3) relative to the local RMS, from a
    /// sample of rows: 6 for uncorrelated noise (a sum of 36 pixels), more for difference images (correlated noise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float SmoothedNoiseRatio(Source source, BackgroundMap first)
    {
        var scratch = new MeshScratch(source.Width, source.Height, first.MeshesX, first.MeshesY);
        var binnedHeight = (source.Height + 1) / 2;
        var rows = Math.Min(64, binnedHeight);
        var sample = new List<float>(rows * ((scratch.BinnedWidth / 3) + 1));
        for (var r = 0; r < rows; r++)
        {
            var b = (int)(((r + 0.5) * binnedHeight) / rows);
            var (smooth, rms) = scratch.DetectionRow(source, first, b);
            for (var x = r % 3; x < smooth.Length; x += 3)
            {
                if (rms[x] > 0)
                {
                    sample.Add(smooth[x] / rms[x]);
                }
            }
        }

        if (sample.Count < 10)
        {
            return 6f;
        }

        var values = CollectionsMarshal.AsSpan(sample);
        var median = PixelMath.Select(values, values.Length / 2);
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = Math.Abs(values[k] - median);
        }

        return (float)(1.4826 * PixelMath.Select(values, values.Length / 2));
    }

    /// <summary>
    /// Box-smooths an image ((2 <paramref name="half"/> + 1)^2 mean, edges clamped): running sums along rows, then
    /// a vertical sum of row sums, parallel over rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float[] BoxSmooth(float[] input, int width, int height, int half)
    {
        ArgumentNullException.ThrowIfNull(input);
        var tmp = new float[input.Length];
        var output = new float[input.Length];
        var norm = 1f / (((2 * half) + 1) * ((2 * half) + 1));
        Parallel.For(0, height, y => HorizontalBoxSum(input.AsSpan(y * width, width), tmp.AsSpan(y * width, width), half));
        Parallel.For(0, height, y =>
        {
            var row = output.AsSpan(y * width, width);
            tmp.AsSpan(Math.Clamp(y - half, 0, height - 1) * width, width).CopyTo(row);
            for (var d = -half + 1; d <= half; d++)
            {
                PixelMath.AddInPlace(row, tmp.AsSpan(Math.Clamp(y + d, 0, height - 1) * width, width));
            }

            Scale(row, norm);
        });
        return output;
    }

    /// <summary>Sums of 2h+1 neighbours along a row with clamped edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void HorizontalBoxSum(ReadOnlySpan<float> row, Span<float> sums, int half)
    {
        var width = row.Length;
        if (width == 0)
        {
            return;
        }

        var s = 0f;
        for (var d = -half; d <= half; d++)
        {
            s += row[Math.Clamp(d, 0, width - 1)];
        }

        sums[0] = s;
        var x1 = Math.Min(width, half + 1);
        var x2 = Math.Max(x1, width - half);
        for (var x = 1; x < x1; x++)
        {
            s += row[Math.Min(x + half, width - 1)] - row[Math.Max(x - half - 1, 0)];
            sums[x] = s;
        }

        // Interior: no clamping.
        for (var x = x1; x < x2; x++)
        {
            s += row[x + half] - row[x - half - 1];
            sums[x] = s;
        }

        for (var x = x2; x < width; x++)
        {
            s += row[Math.Min(x + half, width - 1)] - row[Math.Max(x - half - 1, 0)];
            sums[x] = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scale(Span<float> values, float factor)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var a0 = ref MemoryMarshal.GetReference(values);
            var f = Vector256.Create(factor);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref a0, (nuint)i) * f).StoreUnsafe(ref a0, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillHoles(float[] grid, int nx, int ny)
    {
        // Plain loops, not LINQ: this runs once a process and its generic instantiations cost milliseconds to compile.
        if (CountFinite(grid) == 0)
        {
            Array.Fill(grid, 0f);
            return;
        }

        for (var pass = 0; pass < nx + ny && CountFinite(grid) < grid.Length; pass++)
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

    private static int CountFinite(float[] values)
    {
        var n = 0;
        foreach (var v in values)
        {
            n += float.IsFinite(v) ? 1 : 0;
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

                output[(j * nx) + i] = Selection.Median(window[..c]);
            }
        }

        return output;
    }

    /// <summary>The pinned image and mask, as addresses a parallel loop can capture.</summary>
    /// <remarks>
    /// <paramref name="BadRows"/> flags the rows where some pixel has a bad bit; the others read as having no mask, so
    /// the passes read the mask plane once here instead of three times.
    /// </remarks>
    internal readonly record struct Source(nint Image, nint Mask, int BadBits, int Width, int Height, bool[]? BadRows)
    {
        public unsafe ReadOnlySpan<float> Row(int y) => new((float*)Image + ((long)y * Width), Width);

        public unsafe ReadOnlySpan<int> MaskRow(int y) => Mask == 0 || !BadRows![y] ? default : new((int*)Mask + ((long)y * Width), Width);
    }

    /// <summary>Which rows of the mask have a pixel with any of <paramref name="badBits"/> (null without a mask).</summary>
    private static bool[]? RowsWithBadBits(ReadOnlySpan<int> mask, int width, int height, int badBits)
    {
        if (mask.IsEmpty)
        {
            return null;
        }

        var rows = new bool[height];
        unsafe
        {
            fixed (int* pointer = mask)
            {
                var address = (nint)pointer;
                Parallel.For(0, height, y => rows[y] = AnyBits(new ReadOnlySpan<int>((int*)address + ((long)y * width), width), badBits));
            }
        }

        return rows;
    }

    /// <summary>True when some value has any of <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool AnyBits(ReadOnlySpan<int> values, int bits)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var v0 = ref MemoryMarshal.GetReference(values);
            var b = Vector256.Create(bits);
            var any = Vector256<int>.Zero;
            for (; i <= values.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                any |= Vector256.LoadUnsafe(ref v0, (nuint)i);
            }

            if ((any & b) != Vector256<int>.Zero)
            {
                return true;
            }
        }

        for (; i < values.Length; i++)
        {
            if ((values[i] & bits) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Per-thread buffers: one mesh's pixels, the histogram, and the binned band rows of pass 2.</summary>
    internal sealed class MeshScratch
    {
        private readonly int _width;
        private readonly int _height;
        private readonly int _nx;
        private readonly int _ny;
        private readonly float[] _values;
        private readonly float[] _levelRow;
        private readonly float[] _rmsRow;
        private readonly float[] _binnedRms;
        private readonly float[] _smooth;
        private readonly float[] _pairs;
        private readonly byte[] _detected;
        private readonly float[] _binned;
        private float[] _horizontal = [];
        private float[] _rmsRing = [];
        private byte[] _dilatedRing = [];
        private int[] _residualRow = [];
        private int[] _dilatedRow = [];
        private byte[] _band = [];

        public MeshScratch(int width, int height, int nx, int ny)
        {
            _width = width;
            _height = height;
            _nx = nx;
            _ny = ny;
            var meshWidth = MeshStart(1, width, nx) + 2;
            var meshHeight = MeshStart(1, height, ny) + 2;
            _values = new float[Math.Max(16, (meshWidth + 2) * (meshHeight + 2))];
            BinnedWidth = (width + 1) / 2;
            _levelRow = new float[width];
            _rmsRow = new float[width];
            _pairs = new float[width + 1];
            _binnedRms = new float[BinnedWidth];
            _smooth = new float[BinnedWidth];
            _detected = new byte[BinnedWidth + (2 * DilateRadius)];
            _binned = new float[BinnedWidth];
        }

        /// <summary>
        /// The number of binned rows the rings of <see cref="SourceMask"/> hold: at least <paramref name="rows"/>, the
        /// rows one call needs at once. Growing them forgets what they held.
        /// </summary>
        private int EnsureRings(int rows)
        {
            if (_residualRow.Length < rows)
            {
                // A little more than this band needs: bands differ by a row or two with the mesh rounding.
                var ring = rows + 4;
                var bw = BinnedWidth;
                _horizontal = new float[ring * bw];
                _rmsRing = new float[ring * bw];
                _dilatedRing = new byte[ring * bw];
                _residualRow = new int[ring];
                _dilatedRow = new int[ring];
                Array.Fill(_residualRow, -1);
                Array.Fill(_dilatedRow, -1);
            }

            return _residualRow.Length;
        }

        public int BinnedWidth { get; }

        public int[] Counts { get; } = new int[HistogramBins];

        public float[] Sample { get; } = new float[SubsampleSize];

        /// <summary>
        /// Copies the good pixels of mesh (i, j) on a 2x2 lattice: not NaN, no bad mask bit, and not flagged in
        /// <paramref name="excluded"/> (binned rows from <paramref name="excludedBase"/>, binned columns).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public Span<float> Gather(Source source, int i, int j, byte[]? excluded, int excludedBase, int stride = 2)
        {
            var x0 = MeshStart(i, _width, _nx);
            var x1 = MeshStart(i + 1, _width, _nx);
            var y0 = MeshStart(j, _height, _ny);
            var y1 = MeshStart(j + 1, _height, _ny);
            var n = 0;
            var values = _values;
            var bw = BinnedWidth;
            for (var y = y0; y < y1; y += stride)
            {
                var row = source.Row(y);
                var maskRow = source.MaskRow(y);
                var exRow = excluded is null ? default : excluded.AsSpan(((y >> 1) - excludedBase) * bw, bw);
                n = stride == 1
                    ? GatherRow(row, maskRow, exRow, source.BadBits, x0, x1, values, n)
                    : GatherEvenRow(row, maskRow, source.BadBits, x0, x1, stride, values, n);
            }

            return values.AsSpan(0, n);
        }

        /// <summary>
        /// Appends the good pixels of row[x0..x1) to <paramref name="values"/> from index <paramref name="n"/>, in order;
        /// returns the new count. Runs of 8 good pixels (the common case) are copied as one vector.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static int GatherRow(ReadOnlySpan<float> row, ReadOnlySpan<int> maskRow, ReadOnlySpan<byte> exRow, int badBits, int x0, int x1, float[] values, int n)
        {
            var x = x0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref var r0 = ref MemoryMarshal.GetReference(row);
                ref var m0 = ref MemoryMarshal.GetReference(maskRow);
                var bad = Vector256.Create(badBits);
                var hasMask = !maskRow.IsEmpty;
                for (; x <= x1 - Vector256<float>.Count; x += Vector256<float>.Count)
                {
                    var v = Vector256.LoadUnsafe(ref r0, (nuint)x);
                    var ok = Vector256.Equals(v - v, Vector256<float>.Zero);
                    if (hasMask)
                    {
                        ok &= Vector256.Equals(Vector256.LoadUnsafe(ref m0, (nuint)x) & bad, Vector256<int>.Zero).AsSingle();
                    }

                    var good = ok.ExtractMostSignificantBits();
                    if (!exRow.IsEmpty)
                    {
                        good &= ~ExcludedBits(exRow, x);
                    }

                    if (good == 0xFF)
                    {
                        v.CopyTo(values.AsSpan(n));
                        n += Vector256<float>.Count;
                    }
                    else if (good != 0)
                    {
                        for (var p = 0; p < Vector256<float>.Count; p++)
                        {
                            values[n] = row[x + p];
                            n += (int)((good >> p) & 1);
                        }
                    }
                }
            }

            return GatherScalar(row, maskRow, exRow, badBits, x, x1, values, n);
        }

        /// <summary>
        /// <see cref="GatherRow"/> without exclusions, every <paramref name="stride"/>-th pixel from x0; stride 2 packs
        /// the even lanes of two vectors (pass 1's lattice).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static int GatherEvenRow(ReadOnlySpan<float> row, ReadOnlySpan<int> maskRow, int badBits, int x0, int x1, int stride, float[] values, int n)
        {
            var x = x0;
            if (Vector256.IsHardwareAccelerated && stride == 2)
            {
                ref var r0 = ref MemoryMarshal.GetReference(row);
                ref var m0 = ref MemoryMarshal.GetReference(maskRow);
                var bad = Vector256.Create(badBits);
                var hasMask = !maskRow.IsEmpty;
                var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
                for (; x <= x1 - (2 * Vector256<float>.Count); x += 2 * Vector256<float>.Count)
                {
                    var v = Vector256.Create(
                        Vector256.Shuffle(Vector256.LoadUnsafe(ref r0, (nuint)x), even).GetLower(),
                        Vector256.Shuffle(Vector256.LoadUnsafe(ref r0, (nuint)(x + Vector256<float>.Count)), even).GetLower());
                    var ok = Vector256.Equals(v - v, Vector256<float>.Zero);
                    if (hasMask)
                    {
                        var m = Vector256.Create(
                            Vector256.Shuffle(Vector256.LoadUnsafe(ref m0, (nuint)x), even).GetLower(),
                            Vector256.Shuffle(Vector256.LoadUnsafe(ref m0, (nuint)(x + Vector256<int>.Count)), even).GetLower());
                        ok &= Vector256.Equals(m & bad, Vector256<int>.Zero).AsSingle();
                    }

                    var good = ok.ExtractMostSignificantBits();
                    if (good == 0xFF)
                    {
                        v.CopyTo(values.AsSpan(n));
                        n += Vector256<float>.Count;
                    }
                    else if (good != 0)
                    {
                        for (var p = 0; p < Vector256<float>.Count; p++)
                        {
                            values[n] = row[x + (2 * p)];
                            n += (int)((good >> p) & 1);
                        }
                    }
                }
            }

            for (; x < x1; x += stride)
            {
                var v = row[x];
                values[n] = v;
                n += float.IsFinite(v) && (maskRow.IsEmpty || (maskRow[x] & badBits) == 0) ? 1 : 0;
            }

            return n;
        }

        /// <summary>Bit p set when pixel x + p (p &lt; 8) is excluded (binned column (x + p) / 2 flagged).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        private static uint ExcludedBits(ReadOnlySpan<byte> exRow, int x)
        {
            // Binned columns x/2 .. (x+7)/2: the four bytes from x/2, and a fifth when x is odd.
            var four = MemoryMarshal.Read<uint>(exRow[(x >> 1)..]);
            var fifth = (x & 1) == 0 ? 0u : exRow[(x + 7) >> 1];
            if ((four | fifth) == 0)
            {
                return 0;
            }

            // Bit 7 of each byte set when the byte is non-zero (no carry crosses bytes), gathered to bits 0-3, bit 4 for
            // the fifth byte; each bit then doubled (binned column k covers pixel bits 2k, 2k+1 of an even x), and
            // shifted by one for an odd x, whose first pixel is the second of its binned column.
            var high = ((((four & 0x7F7F7F7Fu) + 0x7F7F7F7Fu) | four) & 0x80808080u) >> 7;
            var columns = (high & 1) | ((high >> 7) & 2) | ((high >> 14) & 4) | ((high >> 21) & 8) | (fifth != 0 ? 16u : 0u);
            var spread = (columns | (columns << 4)) & 0x0F0Fu;
            spread = (spread | (spread << 2)) & 0x3333u;
            spread = (spread | (spread << 1)) & 0x5555u;
            return ((spread | (spread << 1)) >> (x & 1)) & 0xFFu;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int GatherScalar(ReadOnlySpan<float> row, ReadOnlySpan<int> maskRow, ReadOnlySpan<byte> exRow, int badBits, int x0, int x1, float[] values, int n)
        {
            for (var x = x0; x < x1; x++)
            {
                var v = row[x];
                values[n] = v;
                n += float.IsFinite(v) && (maskRow.IsEmpty || (maskRow[x] & badBits) == 0) && (exRow.IsEmpty || exRow[x >> 1] == 0) ? 1 : 0;
            }

            return n;
        }

        /// <summary>
        /// Binned row <paramref name="b"/> of the residual: the sum over image rows 2b, 2b+1 and columns 2x, 2x+1 of
        /// (image - first background) over good pixels; also the background RMS at the binned pixels.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void BinnedResidual(Source source, BackgroundMap first, int b, Span<float> binned)
        {
            var pairs = _pairs.AsSpan(0, _width);
            pairs.Clear();
            for (var y = 2 * b; y < Math.Min(_height, (2 * b) + 2); y++)
            {
                // The RMS is sampled on even rows only.
                if (y != 2 * b)
                {
                    first.FillLevelRow(y, _levelRow);
                }
                else
                {
                    first.FillRow(y, _levelRow, _rmsRow);
                    EvenSamples(_rmsRow, _binnedRms.AsSpan(0, binned.Length));
                }

                AddResidual(source.Row(y), source.MaskRow(y), source.BadBits, _levelRow, pairs);
            }

            PairSums(pairs, binned);
        }

        /// <summary>The detection row of binned row <paramref name="b"/> alone (box-summed 3x3, edges clamped), and the RMS row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public (float[] Smooth, float[] Rms) DetectionRow(Source source, BackgroundMap first, int b)
        {
            var bw = BinnedWidth;
            var binnedHeight = (_height + 1) / 2;
            var sum = new float[bw];
            var tmp = new float[bw];
            var line = new float[bw];
            var rms = new float[bw];
            for (var d = -BoxHalf; d <= BoxHalf; d++)
            {
                BinnedResidual(source, first, Math.Clamp(b + d, 0, binnedHeight - 1), line);
                if (d == 0)
                {
                    _binnedRms.AsSpan(0, bw).CopyTo(rms);
                }

                HorizontalBoxSum(line, tmp, BoxHalf);
                PixelMath.AddInPlace(sum, tmp);
            }

            return (sum, rms);
        }

        /// <summary>
        /// The source mask of the binned rows covering image rows [y0, y1): 1 where the detection image of some
        /// binned pixel within <see cref="DilateRadius"/> (a square) is above 4 sigma. Returns the rows and the
        /// binned row index of the first.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public (byte[] Mask, int BaseRow) SourceMask(Source source, BackgroundMap first, int y0, int y1, float ratio)
        {
            var bw = BinnedWidth;
            var binnedHeight = (_height + 1) / 2;
            var b0 = y0 >> 1;
            var b1 = ((y1 - 1) >> 1) + 1;
            var r0 = Math.Max(0, b0 - Halo);
            var r1 = Math.Min(binnedHeight, b1 + Halo);
            var ring = EnsureRings(r1 - r0);

            // Binned residual rows, their horizontal box sums and the background RMS at each binned pixel, for every
            // binned row the band and its halo need. Rows stay in the ring (slot b % ring) across calls, so the mesh
            // rows one worker takes in sequence share their halos instead of computing them again.
            var line = _binned.AsSpan(0, bw);
            for (var b = r0; b < r1; b++)
            {
                var slot = b % ring;
                if (_residualRow[slot] == b)
                {
                    continue;
                }

                BinnedResidual(source, first, b, line);
                _binnedRms.AsSpan(0, bw).CopyTo(_rmsRing.AsSpan(slot * bw, bw));
                HorizontalBoxSum(line, _horizontal.AsSpan(slot * bw, bw), BoxHalf);
                _residualRow[slot] = b;
            }

            // Detections over the dilation halo, each dilated along x.
            var d0 = Math.Max(0, b0 - DilateRadius);
            var d1 = Math.Min(binnedHeight, b1 + DilateRadius);
            var threshold = 4f * ratio;
            for (var b = d0; b < d1; b++)
            {
                var slot = b % ring;
                if (_dilatedRow[slot] == b)
                {
                    continue;
                }

                var smooth = _smooth.AsSpan(0, bw);
                smooth.Clear();
                for (var d = -BoxHalf; d <= BoxHalf; d++)
                {
                    var bb = Math.Clamp(b + d, 0, binnedHeight - 1);
                    PixelMath.AddInPlace(smooth, _horizontal.AsSpan(bb % ring * bw, bw));
                }

                // Detections between DilateRadius zero bytes on each side.
                var rms = _rmsRing.AsSpan(slot * bw, bw);
                var detected = _detected.AsSpan(DilateRadius, bw);
                for (var x = 0; x < bw; x++)
                {
                    detected[x] = smooth[x] > threshold * rms[x] ? (byte)1 : (byte)0;
                }

                DilateRow(_detected, _dilatedRing.AsSpan(slot * bw, bw), DilateRadius);
                _dilatedRow[slot] = b;
            }

            // Dilate along y: OR of the 2R+1 x-dilated rows around each band row.
            if (_band.Length < (b1 - b0) * bw)
            {
                _band = new byte[(b1 - b0) * bw];
            }

            var band = _band;
            band.AsSpan(0, (b1 - b0) * bw).Clear();
            for (var b = b0; b < b1; b++)
            {
                var output = band.AsSpan((b - b0) * bw, bw);
                var from = Math.Max(d0, b - DilateRadius);
                var to = Math.Min(d1 - 1, b + DilateRadius);
                for (var bb = from; bb <= to; bb++)
                {
                    PixelMath.OrInPlace(output, _dilatedRing.AsSpan(bb % ring * bw, bw));
                }
            }

            return (band, b0);
        }

        /// <summary>Adds (value - level) of the good pixels of one image row into <paramref name="accumulator"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void AddResidual(ReadOnlySpan<float> row, ReadOnlySpan<int> maskRow, int badBits, ReadOnlySpan<float> level, Span<float> accumulator)
        {
            var x = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref var r0 = ref MemoryMarshal.GetReference(row);
                ref var l0 = ref MemoryMarshal.GetReference(level);
                ref var a0 = ref MemoryMarshal.GetReference(accumulator);
                ref var m0 = ref MemoryMarshal.GetReference(maskRow);
                var bad = Vector256.Create(badBits);
                var hasMask = !maskRow.IsEmpty;
                for (; x <= row.Length - Vector256<float>.Count; x += Vector256<float>.Count)
                {
                    var d = Vector256.LoadUnsafe(ref r0, (nuint)x) - Vector256.LoadUnsafe(ref l0, (nuint)x);
                    var ok = Vector256.Equals(d - d, Vector256<float>.Zero);
                    if (hasMask)
                    {
                        ok &= Vector256.Equals(Vector256.LoadUnsafe(ref m0, (nuint)x) & bad, Vector256<int>.Zero).AsSingle();
                    }

                    (Vector256.LoadUnsafe(ref a0, (nuint)x) + (d & ok)).StoreUnsafe(ref a0, (nuint)x);
                }
            }

            for (; x < row.Length; x++)
            {
                var d = row[x] - level[x];
                if (float.IsFinite(d) && (maskRow.IsEmpty || (maskRow[x] & badBits) == 0))
                {
                    accumulator[x] += d;
                }
            }
        }

        /// <summary>
        /// output[t] = 1 where some byte of <paramref name="padded"/>[t .. t + 2 radius] is non-zero, else 0: the 0/1
        /// detections of a row, given with <paramref name="radius"/> zero bytes on each side, dilated by radius along x.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void DilateRow(ReadOnlySpan<byte> padded, Span<byte> output, int radius)
        {
            var width = output.Length;
            if (padded.Length != width + (2 * radius))
            {
                throw new ArgumentException("the detections need radius bytes of padding on each side", nameof(padded));
            }

            var t = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref var p0 = ref MemoryMarshal.GetReference(padded);
                ref var o0 = ref MemoryMarshal.GetReference(output);
                var one = Vector256.Create((byte)1);
                for (; t <= width - Vector256<byte>.Count; t += Vector256<byte>.Count)
                {
                    var any = Vector256.LoadUnsafe(ref p0, (nuint)t);
                    for (var d = 1; d <= 2 * radius; d++)
                    {
                        any |= Vector256.LoadUnsafe(ref p0, (nuint)(t + d));
                    }

                    Vector256.AndNot(one, Vector256.Equals(any, Vector256<byte>.Zero)).StoreUnsafe(ref o0, (nuint)t);
                }
            }

            for (; t < width; t++)
            {
                output[t] = padded.Slice(t, (2 * radius) + 1).ContainsAnyExcept((byte)0) ? (byte)1 : (byte)0;
            }
        }

        /// <summary>binned[x] = pairs[2x] + pairs[2x + 1] (pairs[2x] alone for an odd last column).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void PairSums(ReadOnlySpan<float> pairs, Span<float> binned)
        {
            var width = pairs.Length;
            if (binned.Length != (width + 1) / 2)
            {
                throw new ArgumentException("binned must hold (width + 1) / 2 values", nameof(binned));
            }

            var x = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref var p0 = ref MemoryMarshal.GetReference(pairs);
                ref var b0 = ref MemoryMarshal.GetReference(binned);
                var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
                var odd = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
                for (; (2 * x) <= width - (2 * Vector256<float>.Count); x += Vector256<float>.Count)
                {
                    var a = Vector256.LoadUnsafe(ref p0, (nuint)(2 * x));
                    var b = Vector256.LoadUnsafe(ref p0, (nuint)((2 * x) + Vector256<float>.Count));
                    var left = Vector256.Create(Vector256.Shuffle(a, even).GetLower(), Vector256.Shuffle(b, even).GetLower());
                    var right = Vector256.Create(Vector256.Shuffle(a, odd).GetLower(), Vector256.Shuffle(b, odd).GetLower());
                    (left + right).StoreUnsafe(ref b0, (nuint)x);
                }
            }

            for (; x < binned.Length; x++)
            {
                var k = 2 * x;
                binned[x] = k + 1 < width ? pairs[k] + pairs[k + 1] : pairs[k];
            }
        }

        /// <summary>output[x] = row[2x].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void EvenSamples(ReadOnlySpan<float> row, Span<float> output)
        {
            if (row.Length < (2 * output.Length) - 1)
            {
                throw new ArgumentException("the row is too short for the samples", nameof(row));
            }

            var x = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref var r0 = ref MemoryMarshal.GetReference(row);
                ref var o0 = ref MemoryMarshal.GetReference(output);
                var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
                for (; x <= output.Length - Vector256<float>.Count && (2 * x) + (2 * Vector256<float>.Count) <= row.Length; x += Vector256<float>.Count)
                {
                    var a = Vector256.LoadUnsafe(ref r0, (nuint)(2 * x));
                    var b = Vector256.LoadUnsafe(ref r0, (nuint)((2 * x) + Vector256<float>.Count));
                    Vector256.Create(Vector256.Shuffle(a, even).GetLower(), Vector256.Shuffle(b, even).GetLower()).StoreUnsafe(ref o0, (nuint)x);
                }
            }

            for (; x < output.Length; x++)
            {
                output[x] = row[2 * x];
            }
        }
    }
}
