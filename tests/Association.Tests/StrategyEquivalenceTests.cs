namespace Apdb.Association.Tests;

public sealed class StrategyEquivalenceTests
{
    /// <summary>Every pair in arbitrary order with duplicates: what a superset-returning strategy (SQL) may hand over.</summary>
    private sealed class ShuffledSupersetFinder : ICandidateFinder
    {
        public string Name => "superset";

        public ValueTask<CandidateSet> FindAsync(Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default)
        {
            var rng = new Random(5);
            var pairs = new List<(int S, int O)>();
            for (var s = 0; s < sources.Count; s++)
            {
                for (var o = 0; o < objects.Count; o++)
                {
                    pairs.Add((s, o));
                    if (rng.Next(4) == 0)
                    {
                        pairs.Add((s, o));
                    }
                }
            }

            TestCatalogs.Shuffle(rng, pairs);
            var set = new CandidateSet();
            foreach (var (s, o) in pairs)
            {
                set.AddByIds(objects, sources, sources.Ids[s], objects.Ids[o]);
            }

            return ValueTask.FromResult(set);
        }
    }

    public static TheoryData<string> Scenarios() => [.. AdversarialScenarios.Names];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Memory_and_brute_give_identical_output_in_every_mode(string scenario)
    {
        var (objects, sources, radius) = AdversarialScenarios.Build(scenario);
        foreach (var mode in Enum.GetValues<AssociationMode>())
        {
            var brute = await Associator.AssociateAsync(objects, sources, radius, mode, BruteForceCandidateFinder.Instance);
            var memory = await Associator.AssociateAsync(objects, sources, radius, mode, HealpixCandidateFinder.Instance);
            Assert.Equal(brute.PairCount, memory.PairCount);
            Assert.Equal(brute.Matches, memory.Matches);
            Assert.Equal(sources.Count, memory.Matches.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Memory_never_misses_a_pair_that_brute_finds(string scenario)
    {
        var (objects, sources, radius) = AdversarialScenarios.Build(scenario);
        var brute = ExactPairs.Filter(objects, sources, await BruteForceCandidateFinder.Instance.FindAsync(objects, sources, radius), radius, default);
        var memory = ExactPairs.Filter(objects, sources, await HealpixCandidateFinder.Instance.FindAsync(objects, sources, radius), radius, default);
        Assert.Equal(brute.Count, memory.Count);
        Assert.Equal(brute.Sources.AsSpan(0, brute.Count).ToArray(), memory.Sources.AsSpan(0, memory.Count).ToArray());
        Assert.Equal(brute.Objects.AsSpan(0, brute.Count).ToArray(), memory.Objects.AsSpan(0, memory.Count).ToArray());
        Assert.Equal(brute.ChordSquared.AsSpan(0, brute.Count).ToArray(), memory.ChordSquared.AsSpan(0, memory.Count).ToArray());
    }

    [Theory]
    [InlineData("wrap")]
    [InlineData("north-pole")]
    [InlineData("close-doubles")]
    [InlineData("at-the-radius")]
    public async Task An_unordered_superset_with_duplicates_gives_the_same_output_as_brute(string scenario)
    {
        var (objects, sources, radius) = AdversarialScenarios.Build(scenario);
        foreach (var mode in Enum.GetValues<AssociationMode>())
        {
            var brute = await Associator.AssociateAsync(objects, sources, radius, mode, BruteForceCandidateFinder.Instance);
            var superset = await Associator.AssociateAsync(objects, sources, radius, mode, new ShuffledSupersetFinder());
            Assert.Equal(brute.Matches, superset.Matches);
            Assert.True(superset.CandidateCount > superset.PairCount);
        }
    }

    [Fact]
    public void The_scenarios_are_not_trivial()
    {
        foreach (var name in AdversarialScenarios.Names.Where(n => !n.StartsWith("empty", StringComparison.Ordinal)))
        {
            var (objects, sources, radius) = AdversarialScenarios.Build(name);
            var pairs = NaiveAssociation.Pairs(objects, sources, radius);
            Assert.True(pairs.Count > 0, $"{name} has no pairs");
            var matches = TestCatalogs.Run(objects, sources, radius, AssociationMode.Greedy);
            Assert.Contains(matches, m => m.IsMatched);
        }
    }

    [Theory]
    // cdshealpix's smallest pixel widths: depth 15 4.336", 16 2.168", 17 1.084", 18 0.542"; the finder keeps 10% margin.
    [InlineData(1.0, 16)]
    [InlineData(0.97, 17)]
    [InlineData(0.5, 17)]
    [InlineData(0.48, 18)]
    [InlineData(2.0, 15)]
    [InlineData(3600.0, 5)]
    [InlineData(1e-5, 29)]
    [InlineData(150000.0, 0)]
    [InlineData(160000.0, -1)]
    public void The_depth_is_the_deepest_whose_pixels_are_wider_than_the_radius(double radiusArcsec, int expected)
    {
        Assert.Equal(expected, HealpixCandidateFinder.DepthForRadius(radiusArcsec));
    }
}
