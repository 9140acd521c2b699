using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Apdb.Imaging;

/// <summary>Whole-plane pixel arithmetic that every stage needs, vectorised and parallel over blocks.</summary>
public static class PixelMath
{
    private const int Block = 1 << 16;

    /// <summary>
    /// sqrt(max(v, 0)) of every variance: the per-pixel sigma plane. A 4096^2 plane takes ~10 ms this way against
    /// ~250 ms through a per-element delegate.
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

    /// <summary>
    /// The k-th smallest value (0-based), partially reordering <paramref name="values"/> (Hoare selection with a median of
    /// three: linear time on average, where a sort is N log N). The values must not contain NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Select(Span<float> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (right > left)
        {
            // Median of three as the pivot.
            var mid = left + ((right - left) >> 1);
            var a = values[left];
            var b = values[mid];
            var c = values[right];
            var pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }
}
