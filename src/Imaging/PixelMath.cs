using System.Runtime.CompilerServices;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SquareRoots(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination is shorter than source", nameof(destination));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Sqrt(Vector256.Max(Vector256.Create(source.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero)).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = MathF.Sqrt(Math.Max(source[i], 0f));
        }
    }

    /// <summary>The k-th smallest value (0-based), partially reordering <paramref name="values"/>: <see cref="Selection.Select{T}"/>.</summary>
    /// <param name="values">The values (no NaN), reordered in place.</param>
    /// <param name="k">The rank.</param>
    /// <returns>The k-th smallest value.</returns>
    public static float Select(Span<float> values, int k) => Selection.Select(values, k);
}
