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

    [Fact]
    public void An_interleaved_layout_deals_coarse_pixels_round_robin_and_survives_its_metadata_form()
    {
        var layout = ShardLayout.Interleaved(3, 7);
        var shift = 2 * (29 - 7);
        Assert.True(layout.IsInterleaved);
        Assert.Equal(3, layout.ShardCount);
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(p => layout.ShardOf(((long)p << shift) + 12345)));
        Assert.Equal(layout, ShardLayout.FromJson(layout.ToJson()));
        Assert.NotEqual(layout, ShardLayout.Balanced(3));
        Assert.Throws<InvalidOperationException>(() => layout.Start(0));
    }

    [Theory]
    [InlineData(3, 7, 60.0, -62.0, 0.13)]
    [InlineData(6, 7, 150.1, 2.2, 1.75)]
    [InlineData(12, 8, 359.9, 45.0, 1.75)]
    [InlineData(5, 6, 10.0, 89.9, 0.5)]
    public void The_shards_of_a_region_are_the_owners_of_its_coarse_pixels(int shards, int depth, double ra, double dec, double radius)
    {
        var layout = ShardLayout.Interleaved(shards, depth);
        var region = new SkyCone(SkyPosition.FromDegrees(ra, dec), radius);
        // Brute force at the layout's depth: every coarse pixel the region's coverage touches, and its owner.
        var coverage = region.CoverageAtDepth(depth);
        var owners = coverage.Ranges.SelectMany(r => Enumerable.Range(0, (int)r.Length).Select(k => layout.ShardOf((r.Start + k) << (2 * (29 - depth)))))
            .Distinct().Order().ToList();
        Assert.Equal(owners, layout.ShardsOf(coverage));
        // The region's own (finer) coverage touches some of those coarse pixels, never another.
        Assert.Subset(owners.ToHashSet(), layout.ShardsOf(region.Coverage()).ToHashSet());
    }

    [Fact]
    public void An_interleaved_layout_spreads_a_field_over_every_shard_and_a_detector_over_few()
    {
        var layout = ShardLayout.Interleaved(12, ShardLayout.DefaultInterleaveDepth);
        var random = new Random(5);
        for (var k = 0; k < 50; k++)
        {
            var center = SkyPosition.FromDegrees(random.NextDouble() * 360, (random.NextDouble() * 160) - 80);
            // A 9.6 deg^2 field (radius 1.75 deg) and a detector's padded region (radius 0.175 deg).
            Assert.Equal(12, layout.ShardsOf(new SkyCone(center, 1.75).Coverage()).Count);
            Assert.InRange(layout.ShardsOf(new SkyCone(center, 0.175).Coverage()).Count, 1, 6);
        }
    }

    [Fact]
    public void The_contract_suites_interleaved_layout_puts_neighbouring_rows_on_different_shards()
    {
        // The first contract case stores rows at (150, 2) and (150.001, 2.001): on two shards, so its store is two-phase.
        var layout = Contract.ContractLayout.Interleaved();
        Assert.NotEqual(layout.ShardOf(HealpixNested.Hash(29, 150.0, 2.0)), layout.ShardOf(HealpixNested.Hash(29, 150.001, 2.001)));
    }
}
