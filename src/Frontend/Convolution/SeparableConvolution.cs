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
