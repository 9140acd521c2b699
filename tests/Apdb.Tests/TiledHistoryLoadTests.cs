using Apdb.History;
using Apdb.Simulation;
using Apdb.Tests.Shared;
using Apdb.Tests.Support;

namespace Apdb.Tests;

/// <summary>
/// The load of a preset made of fields (as `survey` is): the fields' histories follow one another, so each monthly
/// partition is written once per field, the later times appended to what the earlier fields wrote.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TiledHistoryLoadTests(PostgresServer server) : IAsyncLifetime
{
    private ApdbDatabase _db = null!;

    public async Task InitializeAsync() => _db = await ApdbDatabase.CreateAsync(server, "tiled");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Every_fields_rows_are_loaded_with_one_DiaObjectLast_row_per_object_and_the_invariants_hold()
    {
        var tiled = SkyPreset.Tiled("t3", 0.05, 3);
        var generator = new HistoryGenerator(tiled, 2, 5);
        var summary = await HistoryLoader.LoadCoreAsync(_db.DataSource, null, generator, generator.Generate, false, null, CancellationToken.None);

        var batches = new HistoryGenerator(tiled, 2, 5).Generate().ToList();
        Assert.Equal(3, batches.Count(b => b.IsFinal));
        Assert.Equal(batches.Sum(b => b.Sources.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        Assert.Equal(batches.Sum(b => b.Sources.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaSourcePacked\""));
        Assert.Equal(batches.Sum(b => b.ForcedSources.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaForcedSource\""));
        Assert.Equal(batches.Sum(b => b.Objects.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaObject\""));
        Assert.Equal(batches.Sum(b => b.LastObjects.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaObjectLast\""));
        Assert.Equal(batches.Sum(b => b.VisitDetectors.Length), await _db.CountAsync("SELECT count(*) FROM apdb_visit_detector"));
        Assert.Equal(summary.Rows["DiaObjectLast"], await _db.CountAsync("SELECT count(*) FROM \"DiaObjectLast\""));

        // Every field wrote into each month's partition: each holds rows of all three fields.
        var months = batches.Where(b => b.Month >= 0).Select(b => b.Month).Distinct().ToList();
        Assert.Equal(2, months.Count);
        foreach (var month in months)
        {
            var fields = await _db.CountAsync(
                $"SELECT count(DISTINCT (\"diaSourceId\" >> 24) / 1000000) FROM \"DiaSource_m{month}\"");
            Assert.Equal(3, fields);
        }

        Assert.Equal("complete", await HistoryLoader.GetStateAsync(_db.DataSource));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(_db.DataSource));
    }
}
