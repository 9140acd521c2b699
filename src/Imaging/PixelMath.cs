using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Apdb.Sky;

namespace Apdb.Imaging;

/// <summary>Whole-plane pixel arithmetic that every stage needs, vectorised and parallel over blocks.</summary>
public static class PixelMath
{
    private const int Block = 1 << 16;

    /// <summary>
    /// sqrt(max(v, 0)) of every variance: the per-pixel sigma plane, vectorised in parallel blocks because a
    /// per-element delegate was many times slower on a full detector.
    /// </summary>
    public static float[] SquareRoots(float[] variance)
    {
        ArgumentNullException.ThrowIfNull(variance);
        var result = new float[variance.Length];
        var blocks = (variance.Length + Block - 1) / Block;
        Parallel.For(0, blocks, block =>
        {
            var start = block * Block;
            var length = Math.Min(Block, variance.Length - start);
            SquareRoots(new ReadOnlySpan<float>(variance, start, length), new Span<float>(result, start, length));
        });
        return result;
    }

    /// <summary>destination[i] = sqrt(max(source[i], 0)); NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SquareRoots(ReadOnlySpan<float> source, Span<float> destination) => Map<NonNegativeRoot>(source, destination);

    /// <summary>destination[i] = source[i]^2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Squares(ReadOnlySpan<float> source, Span<float> destination) => Map<Square>(source, destination);

    /// <summary>
    /// destination[i] += scale * source[i], a vector at a time where the hardware has it. No fused multiply-add, so every
    /// element rounds as the scalar expression does, whatever the length.
    /// </summary>
    // Vector stores into spans have no ReadyToRun code (./apdb publishes precompiled): without this the method ran at tier 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled<T>(ReadOnlySpan<T> source, T scale, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination is shorter than source", nameof(destination));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            var f = Vector256.Create(scale);
            for (; i <= source.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                (Vector256.Create(destination.Slice(i, Vector256<T>.Count)) + (f * Vector256.Create(source.Slice(i, Vector256<T>.Count)))).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] += scale * source[i];
        }
    }

    /// <summary>The k-th smallest value (0-based), partially reordering <paramref name="values"/>: <see cref="Selection.Select{T}"/>.</summary>
    /// <param name="values">The values (no NaN), reordered in place.</param>
    /// <param name="k">The rank.</param>
    /// <returns>The k-th smallest value.</returns>
    public static float Select(Span<float> values, int k) => Selection.Select(values, k);

    /// <summary>
    /// The interquartile range of <paramref name="values"/>, q3 - q1 with q1 and q3 the order statistics at n/4 and 3n/4,
    /// by selection (linear time; <paramref name="values"/> is reordered).
    /// </summary>
    public static float InterquartileRange(Span<float> values)
    {
        var q1 = Select(values, values.Length / 4);
        var q3 = Select(values, (3 * values.Length) / 4);
        return q3 - q1;
    }

    /// <summary>accumulator[i] += values[i] over the accumulator's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddInPlace(Span<float> accumulator, ReadOnlySpan<float> values) => Combine<float, Sum>(accumulator, values);

    /// <summary>accumulator[i] |= values[i] over the accumulator's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void OrInPlace(Span<byte> accumulator, ReadOnlySpan<byte> values) => Combine<byte, Union>(accumulator, values);

    /// <summary>destination[i] = TMap(source[i]), a vector at a time where the hardware has it.</summary>
    // Vector stores have no ReadyToRun code (./apdb publishes precompiled): without this the method ran at tier 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map<TMap>(ReadOnlySpan<float> source, Span<float> destination)
        where TMap : struct, IFloatMap
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination is shorter than source", nameof(destination));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var s0 = ref MemoryMarshal.GetReference(source);
            ref var d0 = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TMap.Apply(Vector256.LoadUnsafe(ref s0, (nuint)i)).StoreUnsafe(ref d0, (nuint)i);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = TMap.Apply(source[i]);
        }
    }

    /// <summary>accumulator[i] = TCombine(accumulator[i], values[i]), a vector at a time where the hardware has it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine<T, TCombine>(Span<T> accumulator, ReadOnlySpan<T> values)
        where T : unmanaged
        where TCombine : struct, ICombine<T>
    {
        if (values.Length < accumulator.Length)
        {
            throw new ArgumentException("values is shorter than the accumulator", nameof(values));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            ref var a0 = ref MemoryMarshal.GetReference(accumulator);
            ref var v0 = ref MemoryMarshal.GetReference(values);
            for (; i <= accumulator.Length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                TCombine.Apply(Vector256.LoadUnsafe(ref a0, (nuint)i), Vector256.LoadUnsafe(ref v0, (nuint)i)).StoreUnsafe(ref a0, (nuint)i);
            }
        }

        for (; i < accumulator.Length; i++)
        {
            accumulator[i] = TCombine.Apply(accumulator[i], values[i]);
        }
    }

    /// <summary>An elementwise operation of two values whose vector form gives each element what the scalar form gives.</summary>
    private interface ICombine<T>
        where T : unmanaged
    {
        static abstract Vector256<T> Apply(Vector256<T> a, Vector256<T> b);

        static abstract T Apply(T a, T b);
    }

    private readonly struct Sum : ICombine<float>
    {
        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b;

        public static float Apply(float a, float b) => a + b;
    }

    private readonly struct Union : ICombine<byte>
    {
        public static Vector256<byte> Apply(Vector256<byte> a, Vector256<byte> b) => a | b;

        public static byte Apply(byte a, byte b) => (byte)(a | b);
    }

    /// <summary>An elementwise operation on floats whose vector form gives each element what the scalar form gives.</summary>
    private interface IFloatMap
    {
        static abstract Vector256<float> Apply(Vector256<float> x);

        static abstract float Apply(float x);
    }

    private readonly struct Square : IFloatMap
    {
        public static Vector256<float> Apply(Vector256<float> x) => x * x;

        public static float Apply(float x) => x * x;
    }

    private readonly struct NonNegativeRoot : IFloatMap
    {
        public static Vector256<float> Apply(Vector256<float> x) => Vector256.Sqrt(Vector256.Max(x, Vector256<float>.Zero));

        public static float Apply(float x) => MathF.Sqrt(Math.Max(x, 0f));
    }
}
