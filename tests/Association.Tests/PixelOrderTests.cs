namespace Apdb.Association.Tests;

public sealed class PixelOrderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    [InlineData(50_000)]
    public void The_permutation_sorts_keys_like_a_stable_comparison_sort(int n)
    {
        var random = new Random(n + 7);
        // A region's pixel ids (a narrow spread high in the 64-bit range), with many repeats, plus a few far outliers.
        var keys = new long[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = i % 97 == 5 ? random.NextInt64(0, long.MaxValue) : 3_000_000_000_000L + random.Next(0, Math.Max(1, n / 3));
        }

        var order = PixelOrder.Sort(keys);
        var expected = Enumerable.Range(0, n).OrderBy(i => keys[i]).ThenBy(i => i).ToArray();
        Assert.Equal(expected, order);
    }

    [Fact]
    public void Equal_keys_keep_their_row_order()
    {
        long[] keys = [5, 5, 5, 1, 5, 1];
        Assert.Equal([3, 5, 0, 1, 2, 4], PixelOrder.Sort(keys));
    }
}
