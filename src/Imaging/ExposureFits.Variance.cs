using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Apdb.Imaging;

public static partial class ExposureFits
{
    /// <summary>Rows a variance band computes at once.</summary>
    private const int VarianceBand = 64;

    /// <summary>Rows of residual a band needs beyond each of its edges (the 5x5 box).</summary>
    private const int VarianceHalo = 2;

    /// <summary>
    /// The variance when the file has none: the background RMS squared plus, when <paramref name="gain"/> is positive,
    /// the sources' Poisson noise, max(3x3 mean of the residual, 0) / gain, only where the 5x5 mean of the residual is
    /// above 3 sigma / 5. A raw per-pixel data term gives upward fluctuations more variance, hence less weight, and
    /// biased weighted fits by about -N_eff/GAIN counts (measured: -0.15 sigma for faint sources, -0.08 on blank sky);
    /// smoothing divides that by 9 and keeps most of a bright core.
    /// </summary>
    /// <remarks>
    /// Bands of rows in parallel, each from the residual rows it needs (two rows of halo, clamped at the edges as
    /// <see cref="BackgroundEstimator.BoxSmooth"/> clamps) and the background interpolated once a row: no full-image
    /// temporaries. Every step is elementwise or a running sum in the same order as smoothing whole planes, so the
    /// result is bit-identical to that definition (tested).
    /// <para>
    /// With <paramref name="subtract"/> the background level is also subtracted from the image, each row as it is read
    /// (residual and subtracted row are the same difference). A band's first and last two rows are read again as halo
    /// by its neighbours, so those are subtracted after all bands are done.
    /// </para>
    /// </remarks>
    private static float[] EstimateVariance(float[] image, int width, int height, BackgroundMap background, float gain, bool subtract)
    {
        // Every element is written below.
        var variance = PlaneMemory.Uninitialized<float>(image.Length);
        var bands = (height + VarianceBand - 1) / VarianceBand;
        Parallel.For(0, bands, () => new VarianceWorkspace(width, VarianceBand + (2 * VarianceHalo)), (band, _, ws) =>
        {
            var y0 = band * VarianceBand;
            var y1 = Math.Min(height, y0 + VarianceBand);
            if (gain > 0)
            {
                PoissonBand(image, width, height, background, gain, y0, y1, subtract, ws, variance);
            }
            else
            {
                for (var y = y0; y < y1; y++)
                {
                    background.FillRow(y, ws.Level, ws.Rms);
                    PixelMath.Squares(ws.Rms.AsSpan(0, width), variance.AsSpan(y * width, width));
                    if (subtract)
                    {
                        SubtractInPlace(image.AsSpan(y * width, width), ws.Level.AsSpan(0, width));
                    }
                }
            }

            return ws;
        }, _ => { });

        if (subtract && gain > 0)
        {
            Parallel.For(0, bands, () => new float[width], (band, _, level) =>
            {
                var y0 = band * VarianceBand;
                var y1 = Math.Min(height, y0 + VarianceBand);
                for (var y = y0; y < y1; y++)
                {
                    if (!SubtractedInBand(y, y0, y1))
                    {
                        background.FillLevelRow(y, level);
                        SubtractInPlace(image.AsSpan(y * width, width), level);
                    }
                }

                return level;
            }, _ => { });
        }

        return variance;
    }

    /// <summary>
    /// Rows [<paramref name="y0"/>, <paramref name="y1"/>) of the variance with the Poisson term: residual row i is the
    /// clamped image row y0 - 2 + i, and output row y is written as soon as the residual rows up to y + 2 are in.
    /// </summary>
    private static void PoissonBand(float[] image, int width, int height, BackgroundMap background, float gain, int y0, int y1, bool subtract, VarianceWorkspace ws, float[] variance)
    {
        var rows = y1 - y0 + (2 * VarianceHalo);
        for (var i = 0; i < rows; i++)
        {
            var r = Math.Clamp(y0 - VarianceHalo + i, 0, height - 1);
            var rms = ws.Rms.AsSpan(i * width, width);
            background.FillRow(r, ws.Level, rms);
            if (subtract && SubtractedInBand(y0 - VarianceHalo + i, y0, y1))
            {
                // Read by this band alone, once.
                ResidualSubtracting(image.AsSpan(r * width, width), ws.Level.AsSpan(0, width), ws.Residual);
            }
            else
            {
                Residual(image.AsSpan(r * width, width), ws.Level.AsSpan(0, width), ws.Residual);
            }

            HorizontalBoxSums3And5(ws.Residual, ws.Sums3.AsSpan(i * width, width), ws.Sums5.AsSpan(i * width, width));
            if (i >= 2 * VarianceHalo)
            {
                // Output row y sits at residual row at = i - 2: 5-sums of rows at-2..at+2, 3-sums of at-1..at+1.
                var at = i - VarianceHalo;
                var y = y0 + at - VarianceHalo;
                PoissonVarianceRow(
                    ws.Sums5.AsSpan((at - 2) * width, 5 * width),
                    ws.Sums3.AsSpan((at - 1) * width, 3 * width),
                    ws.Rms.AsSpan(at * width, width),
                    gain,
                    variance.AsSpan(y * width, width));
            }
        }
    }

    /// <summary>Whether row <paramref name="y"/> is subtracted inside band [y0, y1): not one its neighbours read as halo.</summary>
    private static bool SubtractedInBand(int y, int y0, int y1) => y >= y0 + VarianceHalo && y < y1 - VarianceHalo;

    /// <summary>
    /// image[x] -= level[x] and residual[x] = that difference, or 0 where it is not finite: <see cref="Residual(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> and
    /// <see cref="SubtractInPlace"/> in one sweep.
    /// </summary>
    internal static void ResidualSubtracting(Span<float> image, ReadOnlySpan<float> level, Span<float> residual) =>
        Residual(image, level, residual, subtract: true);

    /// <summary>residual[x] = image[x] - level[x], or 0 where that is not finite.</summary>
    internal static void Residual(ReadOnlySpan<float> image, ReadOnlySpan<float> level, Span<float> residual) =>
        Residual(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(image), image.Length), level, residual, subtract: false);

    /// <summary>The residual kernel; with <paramref name="subtract"/> the difference is also stored back into the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Residual(Span<float> image, ReadOnlySpan<float> level, Span<float> residual, bool subtract)
    {
        if (level.Length < image.Length || residual.Length < image.Length)
        {
            throw new ArgumentException("level and residual must be at least as long as the image row");
        }

        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var i0 = ref MemoryMarshal.GetReference(image);
            ref var l0 = ref MemoryMarshal.GetReference(level);
            ref var r0 = ref MemoryMarshal.GetReference(residual);
            for (; x <= image.Length - Vector256<float>.Count; x += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref i0, (nuint)x) - Vector256.LoadUnsafe(ref l0, (nuint)x);
                if (subtract)
                {
                    d.StoreUnsafe(ref i0, (nuint)x);
                }

                // d - d is 0 for a finite d and NaN otherwise.
                (d & Vector256.Equals(d - d, Vector256<float>.Zero)).StoreUnsafe(ref r0, (nuint)x);
            }
        }

        for (; x < image.Length; x++)
        {
            var d = image[x] - level[x];
            if (subtract)
            {
                image[x] = d;
            }

            residual[x] = float.IsFinite(d) ? d : 0f;
        }
    }

    /// <summary>
    /// <see cref="BackgroundEstimator.HorizontalBoxSum"/> with half-widths 1 and 2 in one sweep: the same running sums,
    /// term for term, with the two dependency chains interleaved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void HorizontalBoxSums3And5(ReadOnlySpan<float> row, Span<float> sums3, Span<float> sums5)
    {
        var width = row.Length;
        if (sums3.Length < width || sums5.Length < width)
        {
            throw new ArgumentException("the sums must be at least as long as the row");
        }

        if (width < 8)
        {
            BackgroundEstimator.HorizontalBoxSum(row, sums3, 1);
            BackgroundEstimator.HorizontalBoxSum(row, sums5, 2);
            return;
        }

        var last = width - 1;
        // From 0f as HorizontalBoxSum starts: 0f + -0f is +0f.
        var s3 = 0f + row[0] + row[0] + row[1];
        var s5 = 0f + row[0] + row[0] + row[0] + row[1] + row[2];
        sums3[0] = s3;
        sums5[0] = s5;

        // Clamped edges for x < 3 and x >= width - 2; the clamped index equals the plain one wherever that is inside.
        for (var x = 1; x < 3; x++)
        {
            s3 += row[x + 1] - row[Math.Max(x - 2, 0)];
            s5 += row[x + 2] - row[Math.Max(x - 3, 0)];
            sums3[x] = s3;
            sums5[x] = s5;
        }

        ref var r0 = ref MemoryMarshal.GetReference(row);
        ref var a0 = ref MemoryMarshal.GetReference(sums3);
        ref var b0 = ref MemoryMarshal.GetReference(sums5);
        for (var x = 3; x < width - 2; x++)
        {
            s3 += Unsafe.Add(ref r0, x + 1) - Unsafe.Add(ref r0, x - 2);
            s5 += Unsafe.Add(ref r0, x + 2) - Unsafe.Add(ref r0, x - 3);
            Unsafe.Add(ref a0, x) = s3;
            Unsafe.Add(ref b0, x) = s5;
        }

        for (var x = width - 2; x < width; x++)
        {
            s3 += row[Math.Min(x + 1, last)] - row[x - 2];
            s5 += row[Math.Min(x + 2, last)] - row[x - 3];
            sums3[x] = s3;
            sums5[x] = s5;
        }
    }

    /// <summary>
    /// One output row of the variance with the Poisson term, from five rows of horizontal 5-sums and three rows of
    /// 3-sums (each <paramref name="output"/>.Length long, consecutive): smooth = (s5[0] + ... + s5[4]) / 25 and
    /// local = (s3[0] + s3[1] + s3[2]) / 9, summed in that order as <see cref="BackgroundEstimator.BoxSmooth"/> does,
    /// then rms^2 + (smooth > 3 rms / 5 ? max(local, 0) / gain : 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PoissonVarianceRow(ReadOnlySpan<float> sums5, ReadOnlySpan<float> sums3, ReadOnlySpan<float> rms, float gain, Span<float> output)
    {
        var w = output.Length;
        if (sums5.Length < 5 * w || sums3.Length < 3 * w || rms.Length < w)
        {
            throw new ArgumentException("five rows of 5-sums, three of 3-sums and one of RMS are needed for each output row");
        }

        const float Norm5 = 1f / 25f;
        const float Norm3 = 1f / 9f;
        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var f0 = ref MemoryMarshal.GetReference(sums5);
            ref var t0 = ref MemoryMarshal.GetReference(sums3);
            ref var q0 = ref MemoryMarshal.GetReference(rms);
            ref var o0 = ref MemoryMarshal.GetReference(output);
            var n5 = Vector256.Create(Norm5);
            var n3 = Vector256.Create(Norm3);
            var three = Vector256.Create(3f);
            var five = Vector256.Create(5f);
            var g = Vector256.Create(gain);
            var stride = (nuint)w;
            for (; x <= w - Vector256<float>.Count; x += Vector256<float>.Count)
            {
                var k = (nuint)x;
                var smooth = Vector256.LoadUnsafe(ref f0, k);
                smooth += Vector256.LoadUnsafe(ref f0, k + stride);
                smooth += Vector256.LoadUnsafe(ref f0, k + (2 * stride));
                smooth += Vector256.LoadUnsafe(ref f0, k + (3 * stride));
                smooth += Vector256.LoadUnsafe(ref f0, k + (4 * stride));
                smooth *= n5;
                var local = Vector256.LoadUnsafe(ref t0, k);
                local += Vector256.LoadUnsafe(ref t0, k + stride);
                local += Vector256.LoadUnsafe(ref t0, k + (2 * stride));
                local *= n3;
                var r = Vector256.LoadUnsafe(ref q0, k);
                var source = Vector256.Max(local, Vector256<float>.Zero) / g;
                var above = Vector256.GreaterThan(smooth, three * r / five);
                ((r * r) + (source & above)).StoreUnsafe(ref o0, k);
            }
        }

        for (; x < w; x++)
        {
            var smooth = sums5[x];
            for (var i = 1; i < 5; i++)
            {
                smooth += sums5[(i * w) + x];
            }

            smooth *= Norm5;
            var local = sums3[x] + sums3[w + x] + sums3[(2 * w) + x];
            local *= Norm3;
            var r = rms[x];
            var source = smooth > 3f * r / 5f ? Math.Max(local, 0f) / gain : 0f;
            output[x] = (r * r) + source;
        }
    }

    private sealed class VarianceWorkspace(int width, int rows)
    {
        public float[] Level { get; } = new float[width];

        /// <summary>The background RMS of every row of the band (one row when there is no Poisson term).</summary>
        public float[] Rms { get; } = new float[width * rows];

        public float[] Residual { get; } = new float[width];

        public float[] Sums3 { get; } = new float[width * rows];

        public float[] Sums5 { get; } = new float[width * rows];
    }
}
