using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Apdb.Frontend.Convolution;

/// <summary>
/// 1-D convolution passes (zero outside the input) with a <see cref="Vector256{T}"/> path and a scalar path that is
/// always there. A separable 2-D kernel g(x) h(y) is a row pass then a column pass.
/// </summary>
internal static class SeparableConvolution
{
    /// <summary>
    /// destination[i] = sum_t kernel[t] * source[i + t - h], h = kernel.Length / 2 (odd length), source values outside
    /// [0, length) taken as zero.
    /// </summary>
    public static void ConvolveLine(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<float> kernel)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"the destination has {destination.Length} values, the source {source.Length}", nameof(destination));
        }

        if ((kernel.Length & 1) == 0)
        {
            throw new ArgumentException($"the kernel needs an odd length, not {kernel.Length}", nameof(kernel));
        }

        var n = source.Length;
        var h = kernel.Length / 2;
        var i = 0;
        // Scalar head, SIMD interior, scalar tail.
        var simdStart = Math.Min(h, n);
        for (; i < simdStart; i++)
        {
            destination[i] = ScalarAt(source, kernel, i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            i = ConvolveLineVectors(source, destination, kernel, i);
        }

        for (; i < n; i++)
        {
            destination[i] = ScalarAt(source, kernel, i);
        }
    }

    /// <summary>
    /// The SIMD interior of <see cref="ConvolveLine"/> from output <paramref name="start"/>: four vectors of outputs per
    /// step, so four independent multiply-add chains hide the FMA latency and each tap's broadcast serves four loads.
    /// Each output sums its taps in the same order as the scalar path. Returns the first output not written.
    /// </summary>
    private static int ConvolveLineVectors(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<float> kernel, int start)
    {
        const int L = 8;
        var n = source.Length;
        var h = kernel.Length / 2;
        var taps = kernel.Length;
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        ref var k = ref MemoryMarshal.GetReference(kernel);
        var i = start;
        for (; i + (4 * L) + h <= n; i += 4 * L)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            ref var s0 = ref Unsafe.Add(ref src, i - h);
            for (var t = 0; t < taps; t++)
            {
                var kt = Vector256.Create(Unsafe.Add(ref k, t));
                ref var st = ref Unsafe.Add(ref s0, t);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref st), kt, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref st, L), kt, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref st, 2 * L), kt, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref st, 3 * L), kt, a3);
            }

            a0.StoreUnsafe(ref Unsafe.Add(ref dst, i));
            a1.StoreUnsafe(ref Unsafe.Add(ref dst, i + L));
            a2.StoreUnsafe(ref Unsafe.Add(ref dst, i + (2 * L)));
            a3.StoreUnsafe(ref Unsafe.Add(ref dst, i + (3 * L)));
        }

        for (; i + L + h <= n; i += L)
        {
            var acc = Vector256<float>.Zero;
            for (var t = 0; t < taps; t++)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref src, i + t - h)), Vector256.Create(Unsafe.Add(ref k, t)), acc);
            }

            acc.StoreUnsafe(ref Unsafe.Add(ref dst, i));
        }

        return i;
    }

    /// <summary>The scalar reference of <see cref="ConvolveLine"/>.</summary>
    public static void ConvolveLineScalar(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<float> kernel)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = ScalarAt(source, kernel, i);
        }
    }

    /// <summary>destination += weight * source, element-wise (SIMD with a scalar tail).</summary>
    public static void AddScaled(ReadOnlySpan<float> source, Span<float> destination, float weight)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"the destination has {destination.Length} values, the source {source.Length}", nameof(destination));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var w = Vector256.Create(weight);
            ref var src = ref MemoryMarshal.GetReference(source);
            ref var dst = ref MemoryMarshal.GetReference(destination);
            for (; i + Vector256<float>.Count <= source.Length; i += Vector256<float>.Count)
            {
                var d = Vector256.LoadUnsafe(ref Unsafe.Add(ref dst, i));
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref src, i)), w, d).StoreUnsafe(ref Unsafe.Add(ref dst, i));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] += weight * source[i];
        }
    }

    /// <summary>
    /// Convolves a whole image with kernelX(x) * kernelY(y) (zero outside), one output row at a time (the column pass
    /// into a row buffer, then the row pass; <see cref="SeparableSum"/>), rows in parallel. Returns a new image.
    /// </summary>
    public static float[] Convolve2D(float[] image, int width, int height, float[] kernelX, float[] kernelY)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernelX);
        ArgumentNullException.ThrowIfNull(kernelY);
        // Every output row is written whole: no need to zero the plane first.
        var output = GC.AllocateUninitializedArray<float>(image.Length);
        Convolve2D(image, width, height, kernelX, kernelY, output);
        return output;
    }

    /// <summary><see cref="Convolve2D(float[], int, int, float[], float[])"/> into <paramref name="output"/> (every value written).</summary>
    public static void Convolve2D(float[] image, int width, int height, float[] kernelX, float[] kernelY, float[] output)
    {
        ArgumentNullException.ThrowIfNull(kernelX);
        ArgumentNullException.ThrowIfNull(kernelY);
        new SeparableSum([new SeparableSum.ColumnGroup(kernelY.Length / 2, [kernelY])], [new SeparableSum.RowTerm(0, kernelX)]).Apply(image, width, height, output);
    }

    /// <summary>
    /// destination[x] += sum_t kernel[t] * rows[t * width + x]: one output row of a column pass, accumulated in registers
    /// over the taps (one store per output, instead of one read-modify-write per tap).
    /// </summary>
    public static void AccumulateColumns(ReadOnlySpan<float> rows, int width, ReadOnlySpan<float> kernel, Span<float> destination)
    {
        if (rows.Length < kernel.Length * width || destination.Length < width)
        {
            throw new ArgumentException($"{kernel.Length} taps need {kernel.Length * width} input values and {width} outputs; got {rows.Length} and {destination.Length}");
        }

        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var src = ref MemoryMarshal.GetReference(rows);
            ref var dst = ref MemoryMarshal.GetReference(destination);
            ref var k = ref MemoryMarshal.GetReference(kernel);
            for (; x + (4 * Vector256<float>.Count) <= width; x += 4 * Vector256<float>.Count)
            {
                // Four chains of multiply-adds in flight (the FMA latency is hidden), one broadcast per tap for four loads.
                const int L = 8;
                var a0 = Vector256.LoadUnsafe(ref dst, (nuint)x);
                var a1 = Vector256.LoadUnsafe(ref dst, (nuint)(x + L));
                var a2 = Vector256.LoadUnsafe(ref dst, (nuint)(x + (2 * L)));
                var a3 = Vector256.LoadUnsafe(ref dst, (nuint)(x + (3 * L)));
                for (var t = 0; t < kernel.Length; t++)
                {
                    ref var row = ref Unsafe.Add(ref src, (t * width) + x);
                    var kt = Vector256.Create(Unsafe.Add(ref k, t));
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row), kt, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, L), kt, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 2 * L), kt, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, 3 * L), kt, a3);
                }

                a0.StoreUnsafe(ref dst, (nuint)x);
                a1.StoreUnsafe(ref dst, (nuint)(x + L));
                a2.StoreUnsafe(ref dst, (nuint)(x + (2 * L)));
                a3.StoreUnsafe(ref dst, (nuint)(x + (3 * L)));
            }

            for (; x + Vector256<float>.Count <= width; x += Vector256<float>.Count)
            {
                var acc = Vector256.LoadUnsafe(ref Unsafe.Add(ref dst, x));
                for (var t = 0; t < kernel.Length; t++)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref Unsafe.Add(ref src, (t * width) + x)), Vector256.Create(kernel[t]), acc);
                }

                acc.StoreUnsafe(ref Unsafe.Add(ref dst, x));
            }
        }

        for (; x < width; x++)
        {
            var acc = destination[x];
            for (var t = 0; t < kernel.Length; t++)
            {
                acc = MathF.FusedMultiplyAdd(rows[(t * width) + x], kernel[t], acc);
            }

            destination[x] = acc;
        }
    }

    /// <summary>
    /// Three column passes over the same input rows at once (three kernels of one length into three outputs): each
    /// input value is loaded once for three multiply-adds.
    /// </summary>
    public static void AccumulateColumns3(ReadOnlySpan<float> rows, int width, ReadOnlySpan<float> k0, ReadOnlySpan<float> k1, ReadOnlySpan<float> k2,
        Span<float> d0, Span<float> d1, Span<float> d2)
    {
        var taps = k0.Length;
        if (k1.Length != taps || k2.Length != taps || rows.Length < taps * width || d0.Length < width || d1.Length < width || d2.Length < width)
        {
            throw new ArgumentException("three kernels of one length, enough input rows and three outputs of the row width are needed");
        }

        var x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            x = AccumulateColumns3Pairs(rows, width, k0, k1, k2, d0, d1, d2);
            ref var src = ref MemoryMarshal.GetReference(rows);
            for (; x + Vector256<float>.Count <= width; x += Vector256<float>.Count)
            {
                var a0 = Vector256.Create<float>(d0.Slice(x, Vector256<float>.Count));
                var a1 = Vector256.Create<float>(d1.Slice(x, Vector256<float>.Count));
                var a2 = Vector256.Create<float>(d2.Slice(x, Vector256<float>.Count));
                for (var t = 0; t < taps; t++)
                {
                    var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, (t * width) + x));
                    a0 = Vector256.FusedMultiplyAdd(v, Vector256.Create(k0[t]), a0);
                    a1 = Vector256.FusedMultiplyAdd(v, Vector256.Create(k1[t]), a1);
                    a2 = Vector256.FusedMultiplyAdd(v, Vector256.Create(k2[t]), a2);
                }

                a0.CopyTo(d0.Slice(x, Vector256<float>.Count));
                a1.CopyTo(d1.Slice(x, Vector256<float>.Count));
                a2.CopyTo(d2.Slice(x, Vector256<float>.Count));
            }
        }

        for (; x < width; x++)
        {
            float a0 = d0[x], a1 = d1[x], a2 = d2[x];
            for (var t = 0; t < taps; t++)
            {
                var v = rows[(t * width) + x];
                a0 = MathF.FusedMultiplyAdd(v, k0[t], a0);
                a1 = MathF.FusedMultiplyAdd(v, k1[t], a1);
                a2 = MathF.FusedMultiplyAdd(v, k2[t], a2);
            }

            d0[x] = a0;
            d1[x] = a1;
            d2[x] = a2;
        }
    }

    /// <summary>
    /// The SIMD body of <see cref="AccumulateColumns3"/> two vectors of columns at a time: six independent chains, and
    /// each tap's three broadcasts serve two loads. Returns the first column not written.
    /// </summary>
    private static int AccumulateColumns3Pairs(ReadOnlySpan<float> rows, int width, ReadOnlySpan<float> k0, ReadOnlySpan<float> k1, ReadOnlySpan<float> k2,
        Span<float> d0, Span<float> d1, Span<float> d2)
    {
        const int L = 8;
        var taps = k0.Length;
        ref var src = ref MemoryMarshal.GetReference(rows);
        ref var r0 = ref MemoryMarshal.GetReference(d0);
        ref var r1 = ref MemoryMarshal.GetReference(d1);
        ref var r2 = ref MemoryMarshal.GetReference(d2);
        ref var c0 = ref MemoryMarshal.GetReference(k0);
        ref var c1 = ref MemoryMarshal.GetReference(k1);
        ref var c2 = ref MemoryMarshal.GetReference(k2);
        var x = 0;
        for (; x + (2 * L) <= width; x += 2 * L)
        {
            var a0 = Vector256.LoadUnsafe(ref r0, (nuint)x);
            var b0 = Vector256.LoadUnsafe(ref r0, (nuint)(x + L));
            var a1 = Vector256.LoadUnsafe(ref r1, (nuint)x);
            var b1 = Vector256.LoadUnsafe(ref r1, (nuint)(x + L));
            var a2 = Vector256.LoadUnsafe(ref r2, (nuint)x);
            var b2 = Vector256.LoadUnsafe(ref r2, (nuint)(x + L));
            ref var column = ref Unsafe.Add(ref src, x);
            for (var t = 0; t < taps; t++)
            {
                ref var row = ref Unsafe.Add(ref column, t * width);
                var u = Vector256.LoadUnsafe(ref row);
                var v = Vector256.LoadUnsafe(ref row, L);
                var w0 = Vector256.Create(Unsafe.Add(ref c0, t));
                a0 = Vector256.FusedMultiplyAdd(u, w0, a0);
                b0 = Vector256.FusedMultiplyAdd(v, w0, b0);
                var w1 = Vector256.Create(Unsafe.Add(ref c1, t));
                a1 = Vector256.FusedMultiplyAdd(u, w1, a1);
                b1 = Vector256.FusedMultiplyAdd(v, w1, b1);
                var w2 = Vector256.Create(Unsafe.Add(ref c2, t));
                a2 = Vector256.FusedMultiplyAdd(u, w2, a2);
                b2 = Vector256.FusedMultiplyAdd(v, w2, b2);
            }

            a0.StoreUnsafe(ref r0, (nuint)x);
            b0.StoreUnsafe(ref r0, (nuint)(x + L));
            a1.StoreUnsafe(ref r1, (nuint)x);
            b1.StoreUnsafe(ref r1, (nuint)(x + L));
            a2.StoreUnsafe(ref r2, (nuint)x);
            b2.StoreUnsafe(ref r2, (nuint)(x + L));
        }

        return x;
    }

    /// <summary>A unit-sum sampled Gaussian of half-width ceil(4 sigma).</summary>
    public static float[] Gaussian(double sigma)
    {
        var h = Math.Max(1, (int)Math.Ceiling(4 * sigma));
        var k = new float[(2 * h) + 1];
        double sum = 0;
        for (var i = -h; i <= h; i++)
        {
            sum += Math.Exp(-0.5 * i * i / (sigma * sigma));
        }

        for (var i = -h; i <= h; i++)
        {
            k[i + h] = (float)(Math.Exp(-0.5 * i * i / (sigma * sigma)) / sum);
        }

        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarAt(ReadOnlySpan<float> source, ReadOnlySpan<float> kernel, int i)
    {
        var h = kernel.Length / 2;
        var acc = 0f;
        var t0 = Math.Max(0, h - i);
        var t1 = Math.Min(kernel.Length, source.Length - i + h);
        for (var t = t0; t < t1; t++)
        {
            acc = MathF.FusedMultiplyAdd(source[i + t - h], kernel[t], acc);
        }

        return acc;
    }
}
