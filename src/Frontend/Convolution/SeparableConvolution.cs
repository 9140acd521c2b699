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
            ref var src = ref MemoryMarshal.GetReference(source);
            ref var dst = ref MemoryMarshal.GetReference(destination);
            for (; i + Vector256<float>.Count + h <= n; i += Vector256<float>.Count)
            {
                var acc = Vector256<float>.Zero;
                for (var t = 0; t < kernel.Length; t++)
                {
                    var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, i + t - h));
                    acc = Vector256.FusedMultiplyAdd(v, Vector256.Create(kernel[t]), acc);
                }

                acc.StoreUnsafe(ref Unsafe.Add(ref dst, i));
            }
        }

        for (; i < n; i++)
        {
            destination[i] = ScalarAt(source, kernel, i);
        }
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
    /// Convolves a whole image with kernel(x) * kernel(y) (zero outside), rows in parallel. Returns a new image.
    /// </summary>
    public static float[] Convolve2D(float[] image, int width, int height, float[] kernelX, float[] kernelY)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(kernelY);
        // Both planes are fully written row by row: no need to zero them first.
        var tmp = GC.AllocateUninitializedArray<float>(image.Length);
        var output = GC.AllocateUninitializedArray<float>(image.Length);
        Parallel.For(0, height, y => ConvolveLine(image.AsSpan(y * width, width), tmp.AsSpan(y * width, width), kernelX));
        var h = kernelY.Length / 2;
        Parallel.For(0, height, y =>
        {
            output.AsSpan(y * width, width).Clear();
            // Taps whose input row is inside the image.
            var t0 = Math.Max(0, h - y);
            var t1 = Math.Min(kernelY.Length, height - y + h);
            var first = y + t0 - h;
            AccumulateColumns(tmp.AsSpan(first * width, (t1 - t0) * width), width, kernelY.AsSpan(t0, t1 - t0), output.AsSpan(y * width, width));
        });
        return output;
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
