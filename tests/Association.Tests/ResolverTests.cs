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
        // On one meridian: object 1 at 0", object 2 at +0.6"; source A at +0.1", source B at -0.2".
        // Greedy: A-1 (0.1") first, then B-2 (0.8"): total 0.9". Optimal: A-2 (0.5") + B-1 (0.2") = 0.7".
        var o2 = TestCatalogs.Offset(20, 30, 0.6, 0);
        var a = TestCatalogs.Offset(20, 30, 0.1, 0);
        var b = TestCatalogs.Offset(20, 30, 0.2, 180);
        var objects = TestCatalogs.Objects((1, 20, 30), (2, o2.Ra, o2.Dec));
        var sources = TestCatalogs.Sources((10, a.Ra, a.Dec), (11, b.Ra, b.Dec));
        Assert.Equal([1L, 2L], ObjectIds(TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Greedy)));
        Assert.Equal([2L, 1L], ObjectIds(TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Optimal)));
    }

    [Fact]
    public void Optimal_leaves_a_source_unmatched_only_when_its_component_has_more_sources_than_objects()
    {
        // Objects 1 and 2 are 1" apart. Source A: 0.1" from 1, 0.9" from 2. Source B: 0.05" from 1, 1.05" from 2 (out).
        // One global no-match cost of 1.01 x radius: A-2 + B-1 = 0.95" beats A-1 + B alone = 0.1" + 1.01". A per-source
        // cost just above each source's worst candidate (this project before 2026-12) left B alone and made a new object.
        var o2 = TestCatalogs.Offset(20, 30, 1.0, 0);
        var a = TestCatalogs.Offset(20, 30, 0.1, 0);
        var b = TestCatalogs.Offset(20, 30, 0.05, 180);
        var c = TestCatalogs.Offset(20, 30, 0.3, 90);
        var objects = TestCatalogs.Objects((1, 20, 30), (2, o2.Ra, o2.Dec));
        var two = TestCatalogs.Sources((10, a.Ra, a.Dec), (11, b.Ra, b.Dec));
        Assert.Equal([2L, 1L], ObjectIds(TestCatalogs.Run(objects, two, 1.0, AssociationMode.Optimal)));

        // A third source C 0.3" from object 1 only: three sources, two objects, so exactly one stays alone: the one
        // whose absence costs least (B-1 0.05" + A-2 0.9" + C alone beats C-1 0.3" + A-2 0.9" + B alone).
        var three = TestCatalogs.Sources((10, a.Ra, a.Dec), (11, b.Ra, b.Dec), (12, c.Ra, c.Dec));
        Assert.Equal([2L, 1L, null], ObjectIds(TestCatalogs.Run(objects, three, 1.0, AssociationMode.Optimal)));
    }

    [Fact]
    public void The_no_match_cost_is_one_global_value_per_mode()
    {
        Assert.Equal(1.01 * 2.0 / 206264.80624709636, MatchScore.NoMatchCost(likelihood: false, maxScore: 123.0, radiusArcsec: 2.0), 15);
        Assert.Equal(-3.5 + 1.0, MatchScore.NoMatchCost(likelihood: true, maxScore: -3.5, radiusArcsec: 2.0), 15);
    }

    [Fact]
    public void Summed_variances_fall_back_to_0_2_arcsec_for_unusable_errors_and_are_floored_at_0_05_arcsec_squared()
    {
        Assert.Equal((0.1 * 0.1) + (0.2 * 0.2), MatchScore.SummedVariance(0.1, 0.2), 15);
        Assert.Equal((0.1 * 0.1) + (0.2 * 0.2), MatchScore.SummedVariance(0.1, double.NaN), 15);
        Assert.Equal((0.2 * 0.2) + (0.2 * 0.2), MatchScore.SummedVariance(0.0, double.PositiveInfinity), 15);
        Assert.Equal((0.2 * 0.2) + (0.2 * 0.2), MatchScore.SummedVariance(-0.3, double.NegativeInfinity), 15);
        Assert.Equal(0.05 * 0.05, MatchScore.SummedVariance(0.01, 0.02), 15);
    }

    [Fact]
    public void Likelihood_scores_apply_only_when_both_catalogs_have_a_usable_ra_and_dec_error()
    {
        var withBoth = Catalog.Create([new CatalogEntry(1, 10, 10, 0.1 / 3600, 0.1 / 3600)], "object");
        var raOnly = Catalog.Create([new CatalogEntry(2, 10, 10, 0.1 / 3600, double.NaN)], "source");
        var none = TestCatalogs.Sources((3, 10, 10));
        Assert.True(MatchScore.UsesLikelihood(withBoth, withBoth));
        Assert.False(MatchScore.UsesLikelihood(withBoth, raOnly));
        Assert.False(MatchScore.UsesLikelihood(none, withBoth));
    }

    [Theory]
    [InlineData(75.0)]
    [InlineData(-75.0)]
    public void At_high_dec_dRA_is_an_angle_and_ap_associations_raw_RA_difference_would_pick_another_object(double dec)
    {
        // Source S; object A 0.4" east of it, object B 0.6" north; every error 0.1" per axis, so each variance 0.02".
        // As angles: chi^2(A) = 0.16/0.02 = 8 < chi^2(B) = 18, so S takes A. ap_association divides the raw RA
        // difference (0.4"/cos 75 deg = 1.55") by the same angular error: chi^2(A) = 119 > 18, and it would take B.
        const double Err = 0.1 / 3600;
        var s = (Ra: 150.0, Dec: dec);
        var a = TestCatalogs.Offset(s.Ra, s.Dec, 0.4, 90);
        var b = TestCatalogs.Offset(s.Ra, s.Dec, 0.6, 0);
        var objects = Catalog.Create([new CatalogEntry(1, a.Ra, a.Dec, Err, Err), new CatalogEntry(2, b.Ra, b.Dec, Err, Err)], "object");
        var sources = Catalog.Create([new CatalogEntry(100, s.Ra, s.Dec, Err, Err)], "source");
        Assert.Equal([1L], ObjectIds(TestCatalogs.Run(objects, sources, 1.0, AssociationMode.Optimal)));

        Assert.True(RawRaScore(objects, 0, sources, 0) > RawRaScore(objects, 1, sources, 0));
        Assert.True(MatchScore.GaussianScore(objects, 0, sources, 0) < MatchScore.GaussianScore(objects, 1, sources, 0));
        Assert.Equal(0.5 * 8.0, MatchScore.GaussianScore(objects, 0, sources, 0) - (0.5 * Math.Log(0.02 * 0.02)), 6);

        // On the equator both readings agree.
        var a0 = TestCatalogs.Offset(s.Ra, 0, 0.4, 90);
        var b0 = TestCatalogs.Offset(s.Ra, 0, 0.6, 0);
        var objects0 = Catalog.Create([new CatalogEntry(1, a0.Ra, a0.Dec, Err, Err), new CatalogEntry(2, b0.Ra, b0.Dec, Err, Err)], "object");
        var sources0 = Catalog.Create([new CatalogEntry(100, s.Ra, 0, Err, Err)], "source");
        Assert.True(RawRaScore(objects0, 0, sources0, 0) < RawRaScore(objects0, 1, sources0, 0));
        Assert.Equal(RawRaScore(objects0, 0, sources0, 0), MatchScore.GaussianScore(objects0, 0, sources0, 0), 6);
    }

    /// <summary>ap_association's score (association.py, 2026): the raw RA difference, wrapped to +-180 deg, over the angular error.</summary>
    private static double RawRaScore(Catalog objects, int o, Catalog sources, int s)
    {
        var dra = ((((sources.RaDeg[s] - objects.RaDeg[o]) + 180.0) % 360.0) - 180.0) * 3600.0;
        var ddec = (sources.DecDeg[s] - objects.DecDeg[o]) * 3600.0;
        var varRa = MatchScore.SummedVariance(sources.RaErrDeg[s] * 3600.0, objects.RaErrDeg[o] * 3600.0);
        var varDec = MatchScore.SummedVariance(sources.DecErrDeg[s] * 3600.0, objects.DecErrDeg[o] * 3600.0);
        return (0.5 * ((dra * dra / varRa) + (ddec * ddec / varDec))) + (0.5 * Math.Log(varRa * varDec));
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
