using Apdb.Sky;

namespace Apdb.Sharded.Tests;

public sealed class ShardLayoutTests
{
    [Fact]
    public void Each_pixel_belongs_to_the_shard_whose_range_holds_it()
    {
        var layout = new ShardLayout(2, [16L << 54, 100L << 54]);
        Assert.Equal(3, layout.ShardCount);
        Assert.Equal(0, layout.ShardOf(0));
        Assert.Equal(0, layout.ShardOf((16L << 54) - 1));
        Assert.Equal(1, layout.ShardOf(16L << 54));
        Assert.Equal(2, layout.ShardOf(100L << 54));
        Assert.Equal(2, layout.ShardOf(ShardLayout.PixelLimit - 1));
        Assert.Equal(layout.End(0), layout.Start(1));
        Assert.Equal(ShardLayout.PixelLimit, layout.End(2));
    }

    [Fact]
    public void A_field_is_shared_out_evenly_among_the_shards()
    {
        var field = new SkyCone(SkyPosition.FromDegrees(150.1, 2.2), 0.5);
        var layout = ShardLayout.Balanced(3, field, 10);
        var pixels = field.CoverageAtDepth(10).Ranges.SelectMany(r => Enumerable.Range(0, (int)r.Length).Select(k => r.Start + k)).ToList();
        var perShard = pixels.GroupBy(p => layout.ShardOf(p << 38)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perShard.Count);
        Assert.True(perShard.Values.Max() - perShard.Values.Min() <= 1, string.Join(",", perShard.Values));
    }

    [Fact]
    public void The_layout_survives_its_metadata_form()
    {
        var layout = ShardLayout.Balanced(4);
        Assert.Equal(layout, ShardLayout.FromJson(layout.ToJson()));
        Assert.Equal([0, 1, 2, 3], layout.ShardsOf(new SkyCone(SkyPosition.FromDegrees(0, 0), 179.9).Coverage()));
    }

    [Theory]
    [InlineData(new long[] { 5 })]
    [InlineData(new long[] { 1L << 38, 1L << 38 })]
    [InlineData(new long[] { 0 })]
    public void Boundaries_off_the_pixel_grid_or_out_of_order_are_refused(long[] boundaries)
    {
        var error = Assert.Throws<ApdbUserException>(() => new ShardLayout(10, boundaries));
        Assert.Contains("boundary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sharded_db_format_is_parsed_in_shard_order_and_bad_entries_are_named()
    {
        var target = ShardedTarget.Parse("coordinator=postgresql://a:pw@h0:5432/apdb shard=postgresql://a:pw@h1/apdb  shard=postgresql://a:pw@h2:6000/apdb");
        Assert.NotNull(target.Coordinator);
        Assert.Equal(2, target.Shards.Count);
        Assert.Contains("Host=h2", target.Shards[1], StringComparison.Ordinal);
        var error = Assert.Throws<ApdbUserException>(() => ShardedTarget.Parse("shard=postgresql://a:secret@h1/apdb replica=postgresql://h2/x"));
        Assert.Contains("entry 2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.True(ShardedTarget.IsSharded(" shard=postgresql://x/y"));
        Assert.False(ShardedTarget.IsSharded("Host=x;Username=y"));
    }
}
