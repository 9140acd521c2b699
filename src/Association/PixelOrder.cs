using System.Numerics;

namespace Apdb.Association;

/// <summary>
/// Orders rows by a non-negative key (a HEALPix pixel or cell id) with a stable least-significant-digit radix sort:
/// O(N) for any N, and only as many 11-bit passes as the keys' spread needs (two or three for one sky region).
/// </summary>
internal static class PixelOrder
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;

    /// <summary>The row permutation that sorts <paramref name="keys"/> ascending; equal keys keep their row order.</summary>
    /// <param name="keys">Non-negative keys, one a row (not modified).</param>
    /// <returns>Rows in key order.</returns>
    public static int[] Sort(ReadOnlySpan<long> keys)
    {
        var n = keys.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (n < 2)
        {
            return order;
        }

        var min = long.MaxValue;
        var max = long.MinValue;
        foreach (var k in keys)
        {
            min = Math.Min(min, k);
            max = Math.Max(max, k);
        }

        var bits = 64 - BitOperations.LeadingZeroCount((ulong)(max - min));
        if (bits == 0)
        {
            return order;
        }

        // Keys travel with their rows, so every pass reads both arrays in sequence.
        var key = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            key[i] = (ulong)(keys[i] - min);
        }

        var keyScratch = new ulong[n];
        var scratch = new int[n];
        var counts = new int[Buckets];
        for (var shift = 0; shift < bits; shift += DigitBits)
        {
            Array.Clear(counts);
            for (var i = 0; i < n; i++)
            {
                counts[(int)(key[i] >> shift) & (Buckets - 1)]++;
            }

            var sum = 0;
            for (var b = 0; b < Buckets; b++)
            {
                var c = counts[b];
                counts[b] = sum;
                sum += c;
            }

            for (var i = 0; i < n; i++)
            {
                var at = counts[(int)(key[i] >> shift) & (Buckets - 1)]++;
                scratch[at] = order[i];
                keyScratch[at] = key[i];
            }

            (order, scratch) = (scratch, order);
            (key, keyScratch) = (keyScratch, key);
        }

        return order;
    }
}
