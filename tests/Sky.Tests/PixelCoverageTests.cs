namespace Apdb.Sky.Tests;

public sealed class PixelCoverageTests
{
    [Fact]
    public void Ranges_are_sorted_and_merged_when_built()
    {
        var c = PixelCoverage.FromRanges(3, [new PixelRange(10, 12), new PixelRange(1, 3), new PixelRange(3, 5), new PixelRange(11, 20)]);
        Assert.Equal([new PixelRange(1, 5), new PixelRange(10, 20)], c.Ranges);
        Assert.Equal(14, c.PixelCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelCoverage.FromRanges(0, [new PixelRange(0, 13)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PixelRange(5, 5));
    }

    [Fact]
    public void Deeper_depth_is_an_exact_shift_and_coarser_depth_a_superset()
    {
        var c = PixelCoverage.FromRanges(2, [new PixelRange(5, 7), new PixelRange(40, 41)]);
        var deep = c.ToDepth(4);
        Assert.Equal([new PixelRange(80, 112), new PixelRange(640, 656)], deep.Ranges);
        Assert.Equal(c.PixelCount * 16, deep.PixelCount);
        Assert.Equal(c.Ranges, deep.ToDepth(2).Ranges);

        var odd = PixelCoverage.FromRanges(3, [new PixelRange(21, 23), new PixelRange(26, 27)]);
        Assert.Equal([new PixelRange(5, 7)], odd.ToDepth(2).Ranges);
    }

    [Fact]
    public void Contains_finds_depth_29_ids_by_binary_search()
    {
        var random = new Random(9);
        var ranges = new List<PixelRange>();
        long start = 0;
        for (var i = 0; i < 200; i++)
        {
            start += random.Next(1, 50);
            var end = start + random.Next(1, 50);
            ranges.Add(new PixelRange(start, end));
            start = end;
        }

        var c = PixelCoverage.FromRanges(10, ranges);
        for (long id = 0; id < start + 10; id++)
        {
            var expected = c.Ranges.Any(r => r.Contains(id));
            Assert.Equal(expected, c.ContainsAtDepth(id));
            var deep = id << 38;
            Assert.Equal(expected, c.Contains(deep));
            Assert.Equal(expected, c.Contains(deep + (1L << 38) - 1));
        }
    }

    [Fact]
    public void Union_merges_at_the_deeper_depth()
    {
        var a = PixelCoverage.FromRanges(1, [new PixelRange(0, 1)]);
        var b = PixelCoverage.FromRanges(2, [new PixelRange(4, 6), new PixelRange(20, 21)]);
        var u = a.Union(b);
        Assert.Equal(2, u.Depth);
        Assert.Equal([new PixelRange(0, 6), new PixelRange(20, 21)], u.Ranges);
    }
}
