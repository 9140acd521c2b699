using System.Diagnostics;

namespace Apdb.Association.Tests;

public sealed class ResolverTests
{
    private static long?[] ObjectIds(IReadOnlyList<MatchResult> matches) => matches.Select(m => m.ObjectId).ToArray();

    // Two objects 1.2" apart on the equator; source A sits 0.5" from object 1 (0.7" from object 2), source B 0.55" from
    // object 1 toward object 2 (0.65" from object 2).
    private static (Catalog Objects, Catalog Sources) Tug()
    {
        var o2 = TestCatalogs.Offset(10, 0, 1.2, 90);
        var a = TestCatalogs.Offset(10, 0, 0.5, 270);
        var b = TestCatalogs.Offset(10, 0, 0.55, 90);
        return (TestCatalogs.Objects((1, 10, 0), (2, o2.Ra, o2.Dec)), TestCatalogs.Sources((100, b.Ra, b.Dec), (200, a.Ra, a.Dec)));
    }

    [Fact]
    public void Greedy_takes_pairs_in_ascending_distance_and_skips_taken_ends()
    {
        var (objects, sources) = Tug();
        var m = TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Greedy);

        // Pairs by distance: A-1 0.5", B-1 0.55", B-2 0.65", A-2 1.7" (out). A takes 1, then B takes 2.
        Assert.Equal([2L, 1L], ObjectIds(m));
        Assert.Equal(0.65, m[0].DistArcsec, 6);
        Assert.Equal(0.5, m[1].DistArcsec, 6);
    }

    [Fact]
    public void Nearest_leaves_a_source_unmatched_when_its_nearest_object_is_taken_even_if_another_is_free()
    {
        // B's nearest is object 1 at 0.55"; A takes object 1 first (0.5"), so B stays unmatched despite object 2 at 0.65".
        var (objects, sources) = Tug();
        var m = TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Nearest);
        Assert.Equal([null, 1L], ObjectIds(m));
        Assert.True(double.IsNaN(m[0].DistArcsec));
    }

    [Fact]
    public void Optimal_minimises_the_total_so_it_can_differ_from_greedy()
    {
        // Objects 1 and 2 are 1" apart. Source A: 0.1" from 1, 0.9" from 2. Source B: 0.05" from 1, 1.05" (out of 1.0") from 2.
        // Greedy: B-1 (0.05) then A-2 (0.9): both matched, total 0.95".
        // Optimal with no-match just above each source's worst: A-1 + B none = 0.1 + 0.05 = 0.15" vs B-1 + A-2 = 0.95".
        var o2 = TestCatalogs.Offset(20, 30, 1.0, 0);
        var a = TestCatalogs.Offset(20, 30, 0.1, 0);
        var b = TestCatalogs.Offset(20, 30, 0.05, 180);
        var objects = TestCatalogs.Objects((1, 20, 30), (2, o2.Ra, o2.Dec));
        var sources = TestCatalogs.Sources((10, a.Ra, a.Dec), (11, b.Ra, b.Dec));
        Assert.Equal([2L, 1L], ObjectIds(TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Greedy)));
        Assert.Equal([1L, null], ObjectIds(TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Optimal)));
    }

    [Fact]
    public void Ties_in_distance_go_to_the_lower_source_id_then_the_lower_object_id()
    {
        // Exact duplicates: two objects at one position, three sources at one position 0.3" away.
        var s = TestCatalogs.Offset(50, -20, 0.3, 45);
        var objects = TestCatalogs.Objects((9, 50, -20), (4, 50, -20));
        var sources = TestCatalogs.Sources((30, s.Ra, s.Dec), (10, s.Ra, s.Dec), (20, s.Ra, s.Dec));
        Assert.Equal([null, 4L, 9L], ObjectIds(TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Greedy)));

        // Nearest: every source's nearest is object 4 (lower id); only source 10 gets it.
        Assert.Equal([null, 4L, null], ObjectIds(TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Nearest)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Greedy_and_nearest_equal_a_naive_restatement_of_the_rules_on_crowded_fields(int seed)
    {
        var (objects, sources) = TestCatalogs.Field(seed, 300, 150, 10, 0.01, 0.6, 0.5);
        Assert.Equal(NaiveAssociation.Greedy(objects, sources, 2.0), ObjectIds(TestCatalogs.Run(objects, sources, 2.0, AssociationMode.Greedy)));
        Assert.Equal(NaiveAssociation.Nearest(objects, sources, 2.0), ObjectIds(TestCatalogs.Run(objects, sources, 2.0, AssociationMode.Nearest)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Optimal_reaches_the_exhaustive_minimum_on_small_dense_instances(bool withErrors)
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var rng = new Random(seed);
            var (objects, sources) = TestCatalogs.Field(seed, 2 + rng.Next(4), 200, -45, 1.5 / 3600, 0.5, 0.6, withErrors);
            var m = TestCatalogs.Run(objects, sources, 1.5, AssociationMode.Optimal);
            var ours = NaiveAssociation.Cost(objects, sources, 1.5, ObjectIds(m));
            var best = NaiveAssociation.ExhaustiveOptimalCost(objects, sources, 1.5);
            Assert.True(ours <= best + (1e-12 * (1 + Math.Abs(best))), $"seed {seed}: ours {ours} > exhaustive {best}");
            Assert.Equal(m.Count(x => x.IsMatched), ObjectIds(m).Where(x => x is not null).Distinct().Count());
        }
    }

    [Fact]
    public void A_thousand_sources_on_one_object_resolve_quickly_in_every_mode()
    {
        var rng = new Random(3);
        var objects = TestCatalogs.Objects((77, 120, 60));
        var rows = Enumerable.Range(0, 1000).Select(i =>
        {
            var p = TestCatalogs.Offset(120, 60, rng.NextDouble() * 0.9, rng.NextDouble() * 360);
            return new CatalogEntry(5000 + i, p.Ra, p.Dec);
        }).ToArray();
        var sources = Catalog.Create(rows, "source");
        var nearestSource = Enumerable.Range(0, 1000).MinBy(i => ChordMetric.ChordSquared(objects, 0, sources, i));
        foreach (var mode in Enum.GetValues<AssociationMode>())
        {
            var watch = Stopwatch.StartNew();
            var m = TestCatalogs.Run(objects, sources, 1.0, mode);
            watch.Stop();
            Assert.Equal(1, m.Count(x => x.IsMatched));
            Assert.Equal(77L, m[nearestSource].ObjectId);
            Assert.True(watch.Elapsed.TotalSeconds < 5, $"{mode} took {watch.Elapsed}");
        }
    }

    [Fact]
    public void A_dense_clique_of_200_sources_and_200_objects_resolves_to_the_exhaustive_greedy_and_a_valid_optimum()
    {
        var (objects, sources) = TestCatalogs.Field(9, 200, 33, 33, 2.0 / 3600, 0.3, 0.0);
        Assert.Equal(NaiveAssociation.Greedy(objects, sources, 5.0), ObjectIds(TestCatalogs.Run(objects, sources, 5.0, AssociationMode.Greedy)));
        var optimal = ObjectIds(TestCatalogs.Run(objects, sources, 5.0, AssociationMode.Optimal));
        var greedy = ObjectIds(TestCatalogs.Run(objects, sources, 5.0, AssociationMode.Greedy));
        Assert.True(NaiveAssociation.Cost(objects, sources, 5.0, optimal) <= NaiveAssociation.Cost(objects, sources, 5.0, greedy) + 1e-12);
        Assert.Equal(optimal.Count(x => x is not null), optimal.Where(x => x is not null).Distinct().Count());
    }
}
