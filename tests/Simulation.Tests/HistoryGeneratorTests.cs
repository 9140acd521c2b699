namespace Apdb.Simulation.Tests;

public sealed class HistoryGeneratorTests
{
    private static List<HistoryBatch> Generate(SkyPreset preset, int months, long seed, int? parallelism = null) =>
        [.. new HistoryGenerator(preset, months, seed, parallelism).Generate()];

    [Fact]
    public void Same_seed_gives_the_same_rows_bit_for_bit_whatever_the_parallelism()
    {
        var a = Generate(SkyPreset.Tiny, 2, 42, parallelism: 1);
        var b = Generate(SkyPreset.Tiny, 2, 42, parallelism: 4);
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Sources, b[i].Sources);
            Assert.Equal(Bytes(a[i].Objects), Bytes(b[i].Objects));
            Assert.Equal(a[i].ForcedSources, b[i].ForcedSources);
            Assert.Equal(a[i].VisitDetectors, b[i].VisitDetectors);
            Assert.Equal(Bytes(a[i].LastObjects), Bytes(b[i].LastObjects));
        }
    }

    [Fact]
    public void A_different_seed_gives_different_rows()
    {
        var a = Generate(SkyPreset.Tiny, 1, 1).SelectMany(x => x.Sources).Select(s => s.Ra).ToList();
        var b = Generate(SkyPreset.Tiny, 1, 2).SelectMany(x => x.Sources).Select(s => s.Ra).ToList();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Per_visit_source_counts_match_the_ap_proto_densities_within_5_percent()
    {
        // ap_proto (ANCHORS.md): per 9.6 deg^2 visit 10,000 variables, 100 transients, 5,050 false positives.
        foreach (var (preset, months) in new[] { (SkyPreset.Tiny, 2), (SkyPreset.Demo, 1) })
        {
            var generator = new HistoryGenerator(preset, months, 7);
            var perVisit = generator.Generate().SelectMany(b => b.Sources).GroupBy(s => s.Visit).ToDictionary(g => g.Key, g => g.Count());
            var ratios = generator.Cadence.Visits
                .Where(v => v.CoveredAreaDeg2 > 0)
                .Select(v => perVisit.GetValueOrDefault(v.VisitId) / (v.CoveredAreaDeg2 * 15150.0 / 9.6))
                .ToList();
            Assert.NotEmpty(ratios);
            Assert.InRange(ratios.Average(), 0.95, 1.05);
            if (preset == SkyPreset.Demo)
            {
                // At 1 deg^2 every single visit is within 5% (at 0.05 deg^2 a visit has ~80 sources and only the mean is).
                Assert.All(ratios, r => Assert.InRange(r, 0.95, 1.05));
            }
        }
    }

    [Fact]
    public void Every_source_points_to_an_object_and_DiaObjectLast_has_one_row_per_object_with_its_source_count()
    {
        var batches = Generate(SkyPreset.Tiny, 2, 3);
        var sources = batches.SelectMany(b => b.Sources).ToList();
        var versions = batches.SelectMany(b => b.Objects).ToList();
        var last = batches[^1].LastObjects;
        var objectIds = versions.Select(o => o.DiaObjectId).ToHashSet();
        Assert.All(sources, s => Assert.Contains(s.DiaObjectId, objectIds));
        Assert.Equal(objectIds.Count, last.Length);
        Assert.Equal(last.Length, last.Select(o => o.DiaObjectId).Distinct().Count());
        var counts = sources.GroupBy(s => s.DiaObjectId).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(last, o => Assert.Equal(counts[o.DiaObjectId], o.NDiaSources));
        // New objects take the id of their first source.
        var firstSource = sources.GroupBy(s => s.DiaObjectId).ToDictionary(g => g.Key, g => g.Min(s => s.DiaSourceId));
        Assert.All(last, o => Assert.Equal(firstSource[o.DiaObjectId], o.DiaObjectId));
        Assert.Equal(sources.Count, sources.Select(s => s.DiaSourceId).Distinct().Count());
        Assert.Equal(sources.Count, versions.Count);
    }

    [Fact]
    public void Versions_chain_their_validity_intervals_and_the_last_one_is_open()
    {
        var batches = Generate(SkyPreset.Tiny, 2, 5);
        var last = batches[^1].LastObjects.ToDictionary(o => o.DiaObjectId);
        foreach (var group in batches.SelectMany(b => b.Objects).GroupBy(o => o.DiaObjectId))
        {
            var chain = group.OrderBy(o => o.ValidityStartMjdTai).ToList();
            for (var i = 0; i < chain.Count - 1; i++)
            {
                Assert.Equal(chain[i + 1].ValidityStartMjdTai, chain[i].ValidityEndMjdTai);
                Assert.Equal(i + 1, chain[i].NDiaSources);
            }

            Assert.True(double.IsNaN(chain[^1].ValidityEndMjdTai));
            Assert.Equal(chain[^1].ValidityStartMjdTai, last[group.Key].ValidityStartMjdTai);
            Assert.Equal(chain[^1].NDiaSources, last[group.Key].NDiaSources);
        }
    }

    [Fact]
    public void Forced_sources_follow_Rubins_rule()
    {
        var batches = Generate(SkyPreset.Tiny, 3, 9);
        var sources = batches.SelectMany(b => b.Sources).ToList();
        var byObject = sources.GroupBy(s => s.DiaObjectId).ToDictionary(g => g.Key, g => g.Select(s => s.MidpointMjdTai).OrderBy(t => t).ToArray());
        var forced = batches.SelectMany(b => b.ForcedSources).ToList();
        Assert.NotEmpty(forced);
        foreach (var f in forced)
        {
            var times = byObject[f.DiaObjectId];
            var upTo = times.Count(t => t <= f.MidpointMjdTai);
            Assert.True(upTo >= 2, $"forced source of {f.DiaObjectId} at {f.MidpointMjdTai} with {upTo} detections");
            var lastBefore = times.Where(t => t <= f.MidpointMjdTai).Max();
            Assert.True(f.MidpointMjdTai - lastBefore <= 30.0);
        }

        // Every object with >= 2 detections gets forced photometry in the visits where it is detected again.
        var forcedKeys = forced.Select(f => (f.DiaObjectId, f.Visit)).ToHashSet();
        foreach (var s in sources.Where(s => byObject[s.DiaObjectId].Count(t => t <= s.MidpointMjdTai) >= 2))
        {
            Assert.Contains((s.DiaObjectId, s.Visit), forcedKeys);
        }
    }

    [Fact]
    public void The_history_spans_the_requested_months_and_batches_stay_inside_one_partition()
    {
        var batches = Generate(SkyPreset.Tiny, 3, 11);
        var sources = batches.SelectMany(b => b.Sources).ToList();
        var months = sources.Select(s => HistoryGenerator.Month(s.MidpointMjdTai)).Distinct().Count();
        Assert.Equal(3, months);
        Assert.True(sources.Max(s => s.MidpointMjdTai) - sources.Min(s => s.MidpointMjdTai) > 60);
        foreach (var b in batches.Where(b => b.Month >= 0))
        {
            Assert.All(b.Sources, s => Assert.Equal(b.Month, HistoryGenerator.Month(s.MidpointMjdTai)));
            Assert.All(b.ForcedSources, s => Assert.Equal(b.Month, HistoryGenerator.Month(s.MidpointMjdTai)));
        }
    }

    [Fact]
    public void Each_point_is_visited_about_80_times_a_year()
    {
        var cadence = Cadence.Create(SkyPreset.Demo, 12, 1);
        var perPoint = cadence.Visits.Sum(v => v.CoveredAreaDeg2) / SkyPreset.Demo.AreaDeg2;
        Assert.InRange(perPoint, 65, 95);
        Assert.All(cadence.Visits.Zip(cadence.Visits.Skip(1)), p => Assert.True(p.First.MidpointMjdTai < p.Second.MidpointMjdTai));
        Assert.Equal(6, cadence.Visits.Select(v => v.Band).Distinct().Count());
    }

    private static byte[] Bytes(DiaObjectRow[] rows) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.AsSpan()).ToArray();
}
