using Apdb.Sky;
using Apdb.Tests.Support;

namespace Apdb.Tests.Contract;

public abstract partial class ApdbContractTests
{
    [Fact]
    public async Task A_store_leaves_the_callers_rows_as_they_were()
    {
        var random = new Random(21);
        var dv = new DetectorVisit(21001, 3);
        var objects = new[] { RowFactory.Object(random, 21501, 70, -20), RowFactory.Object(random, 21502, 70.001, -20) };
        var sources = new[] { RowFactory.Source(random, 21601, dv, 70, -20, VisitMjd, 21501), RowFactory.Source(random, 21602, dv, 70.001, -20, VisitMjd, 21502) };
        var forced = new[] { RowFactory.Forced(random, 21701, 21501, dv, 70, -20, VisitMjd) };
        var before = (objects.Select(RowFactory.Copy).ToArray(), sources.Select(RowFactory.Copy).ToArray(), forced.Select(RowFactory.Copy).ToArray());

        var result = await Store.StoreAsync(dv, VisitMjd, objects, sources, forced);

        for (var i = 0; i < objects.Length; i++)
        {
            Assert.Empty(RowFactory.Differences(before.Item1[i], objects[i]));
            Assert.Empty(RowFactory.Differences(before.Item2[i], sources[i]));
        }

        Assert.Empty(RowFactory.Differences(before.Item3[0], forced[0]));
        // What the store computed comes back in the result instead.
        Assert.Equal([21501L, 21502L], result.Versions.Select(v => v.DiaObjectId).Order());
        Assert.All(result.Versions, v => Assert.Equal(VisitMjd, v.ValidityStartMjdTai));
        Assert.All(result.Versions, v => Assert.Equal(HealpixNested.Hash(29, v.Ra, v.Dec), v.PixelId));
    }

    [Fact]
    public async Task A_summarising_store_leaves_the_callers_sources_as_they_were()
    {
        var random = new Random(22);
        var dv = new DetectorVisit(22001, 3);
        var sources = new[] { RowFactory.Source(random, 22601, dv, 71, -21, VisitMjd, 22501) };
        var before = RowFactory.Copy(sources[0]);

        var result = await Store.StoreAsync(dv, VisitMjd, CountingSummarizer.Instance, sources, []);

        Assert.Empty(RowFactory.Differences(before, sources[0]));
        var version = Assert.Single(result.Versions);
        Assert.Equal(1, version.NDiaSources);
    }

    [Fact]
    public async Task The_newest_version_wins_when_visits_arrive_out_of_order()
    {
        var random = new Random(23);
        var later = new DetectorVisit(23002, 1);
        var earlier = new DetectorVisit(23001, 1);
        var late = RowFactory.Object(random, 23501, 72, -22);
        late.NDiaSources = 2;
        var early = RowFactory.Object(random, 23501, 72, -22);
        early.NDiaSources = 1;

        await Store.StoreAsync(later, VisitMjd + 1, [late], [], []);
        var result = await Store.StoreAsync(earlier, VisitMjd, [early], [], []);

        var newest = Assert.Single(await Store.GetDiaObjectsAsync(Cone(72, -22, 0.001)));
        Assert.Equal(VisitMjd + 1, newest.ValidityStartMjdTai);
        Assert.Equal(2, newest.NDiaSources);
        Assert.Equal(VisitMjd, Assert.Single(result.Versions).ValidityStartMjdTai);
        // The earlier version went into the middle of the history: it ends where the later one starts.
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 23501 AND \"validityStartMjdTai\" = {VisitMjd} AND \"validityEndMjdTai\" = {VisitMjd + 1}"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 23501 AND \"validityEndMjdTai\" IS NULL"));
    }

    [Fact]
    public async Task A_summarising_store_counts_what_earlier_stores_wrote()
    {
        var random = new Random(24);
        for (var i = 0; i < 3; i++)
        {
            var dv = new DetectorVisit(24001 + i, 2);
            await Store.StoreAsync(dv, VisitMjd + i, CountingSummarizer.Instance, [RowFactory.Source(random, 24601 + i, dv, 73, -23, VisitMjd + i, 24501)], []);
        }

        var newest = Assert.Single(await Store.GetDiaObjectsAsync(Cone(73, -23, 0.001)));
        Assert.Equal(3, newest.NDiaSources);
        Assert.Equal(VisitMjd + 2, newest.ValidityStartMjdTai);
        Assert.Equal(VisitMjd, newest.FirstDiaSourceMjdTai);
    }

    [Fact]
    public async Task Concurrent_stores_that_share_objects_leave_one_chained_history()
    {
        // Eight detector-visits, each with a source of the same three objects, stored at once in a shuffled order.
        var random = new Random(25);
        long[] ids = [25501, 25502, 25503];
        var visits = Enumerable.Range(0, 8).Select(i => (Dv: new DetectorVisit(25001 + i, 4), Mjd: VisitMjd + i)).ToArray();
        random.Shuffle(visits);

        await Task.WhenAll(visits.Select(v => Task.Run(() => Store.StoreAsync(
            v.Dv, v.Mjd, CountingSummarizer.Instance,
            [.. ids.Select((id, k) => RowFactory.Source(new Random((int)(v.Dv.Visit * 10) + k), (v.Dv.Visit * 10) + k, v.Dv, 74 + (k * 0.001), -24, v.Mjd, id))],
            []))));

        var newest = (await Store.GetDiaObjectsAsync(Cone(74.001, -24, 0.01))).OrderBy(o => o.DiaObjectId).ToList();
        Assert.Equal(ids, newest.Select(o => o.DiaObjectId));
        Assert.All(newest, o => Assert.Equal(VisitMjd + 7, o.ValidityStartMjdTai));
        Assert.All(newest, o => Assert.Equal(8, o.NDiaSources));
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" BETWEEN 25501 AND 25503 AND \"validityEndMjdTai\" IS NULL"));
        // Every version ends exactly where the next one of its object starts.
        Assert.Equal(0, await CountAsync(
            "SELECT count(*) FROM (SELECT \"validityEndMjdTai\" AS e, lead(\"validityStartMjdTai\") OVER (PARTITION BY \"diaObjectId\" ORDER BY \"validityStartMjdTai\") AS n " +
            "FROM \"DiaObject\" WHERE \"diaObjectId\" BETWEEN 25501 AND 25503) c WHERE c.e IS DISTINCT FROM c.n"));
        Assert.Equal(24, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" BETWEEN 25501 AND 25503"));
    }

    [Fact]
    public async Task Reads_by_id_agree_with_reads_by_region()
    {
        // Eight detector-visits over eight days, each with a source and a forced source of four objects.
        var random = new Random(26);
        for (var i = 0; i < 8; i++)
        {
            var dv = new DetectorVisit(26001 + i, 5);
            var mjd = VisitMjd - 7 + i;
            var sources = Enumerable.Range(0, 4).Select(k => RowFactory.Source(random, 26600 + (i * 4) + k, dv, 75 + (k * 1e-3), -25, mjd, 26500 + k)).ToList();
            var forced = Enumerable.Range(0, 4).Select(k => RowFactory.Forced(random, 26700 + (i * 4) + k, 26500 + k, dv, 75 + (k * 1e-3), -25, mjd)).ToList();
            await Store.StoreAsync(dv, mjd, CountingSummarizer.Instance, sources, forced);
        }

        var region = Cone(75.001, -25, 0.01);
        long[] objects = [26500, 26501, 26502, 26503];
        Assert.Equal(
            (await Store.GetDiaSourcesAsync(region, VisitMjd)).Select(s => s.DiaSourceId).Order(),
            (await Store.GetDiaSourcesAsync(objects, VisitMjd)).Select(s => s.DiaSourceId).Order());
        Assert.Equal(
            (await Store.GetDiaForcedSourcesAsync(region, VisitMjd)).Select(s => s.DiaForcedSourceId).Order(),
            (await Store.GetDiaForcedSourcesAsync(objects, VisitMjd)).Select(s => s.DiaForcedSourceId).Order());
        Assert.Equal(32, (await Store.GetDiaSourcesAsync(objects, VisitMjd)).Count);
        Assert.Equal(32, (await Store.GetDiaForcedSourcesAsync(objects, VisitMjd)).Count);
    }
}
