using Apdb.History;
using Apdb.Records;
using Apdb.Schema;
using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

/// <summary>
/// The packed preload companions (migration 0016) against the wide tables they mirror: every packed row decodes to
/// exactly its wide row (compared as the binary COPY rows of the one column map, so every column and every NaN bit
/// counts), after a history load, stores, a replacing store, and the migration's fill of an existing APDB.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PackedRowTests(PostgresServer server) : IAsyncLifetime
{
    private const double VisitMjd = 61000.25;
    private ApdbDatabase _db = null!;

    public async Task InitializeAsync() => _db = await ApdbDatabase.CreateAsync(server, "packed");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task After_a_history_load_every_packed_row_is_its_wide_row()
    {
        var summary = await HistoryLoader.LoadAsync(_db.DataSource, "tiny", 2, 5);

        Assert.True(summary.Rows["DiaSource"] > 1000);
        await AssertMirroredAsync(summary.Rows["DiaSource"], summary.Rows["DiaForcedSource"]);
        // The history load's fill writes each partition in pixelId order, so a region's rows share pages.
        Assert.Equal(1.0, await ScalarAsync<double>(
            "SELECT correlation::float8 FROM pg_stats WHERE tablename LIKE 'DiaSourcePacked\\_m%' AND attname = 'pixelId' ORDER BY correlation LIMIT 1"), 3);
    }

    [Fact]
    public async Task Stores_and_a_replacing_store_keep_the_packed_rows_equal_to_the_wide_ones()
    {
        var random = new Random(3);
        var dv = new DetectorVisit(9001, 4);
        var objects = new[] { 81L, 82L, 83L };
        List<DiaSource> sources =
        [
            RowFactory.Source(random, 1, dv, 150.01, 2.01, VisitMjd, 81),
            RowFactory.Source(random, 2, dv, 150.02, 2.02, VisitMjd, 82, nulls: true),
            RowFactory.Source(random, 3, dv, 150.03, 2.03, VisitMjd, null),
        ];
        sources[0].PsfFlux = float.NaN;
        sources[0].ReliabilityVersion = "version é";
        List<DiaForcedSource> forced =
        [
            RowFactory.Forced(random, 11, 83, dv, 150.04, 2.04, VisitMjd),
            RowFactory.Forced(random, 12, 81, dv, 150.05, 2.05, VisitMjd, nulls: true),
        ];
        await _db.Store.StoreAsync(dv, VisitMjd, [.. objects.Select(id => RowFactory.Object(random, id, 150, 2))], sources, forced);
        await AssertMirroredAsync(3, 2);

        // The same detector-visit again, with fewer rows, replacing the first store.
        var again = sources.Take(2).ToList();
        again[1].PsfFlux = 12.5f;
        await _db.Store.StoreAsync(dv, VisitMjd, [.. objects.Take(2).Select(id => RowFactory.Object(random, id, 150, 2))], again, forced.Take(1).ToList(),
            new StoreOptions { ReplaceExisting = true });
        await AssertMirroredAsync(2, 1);

        // And the store's own reads, which come from the packed rows, return what was stored.
        var cone = new SkyCone(SkyPosition.FromDegrees(150.03, 2.03), 0.1);
        var read = (await _db.Store.GetDiaSourcesAsync(cone, VisitMjd + 1)).OrderBy(s => s.DiaSourceId).ToList();
        Assert.Equal(2, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            // The store computes pixelId itself (on its copies); every other column is the caller's.
            var expected = RowFactory.Copy(again[i]);
            expected.PixelId = read[i].PixelId;
            Assert.Equal(CopyBytes(expected, DiaSourceColumns.WriteCopyRow), CopyBytes(read[i], DiaSourceColumns.WriteCopyRow));
        }

        Assert.Equal(12.5f, (await _db.Store.GetDiaSourcesAsync([82L], VisitMjd + 1))[0].PsfFlux);
        Assert.Single(await _db.Store.GetDiaForcedSourcesAsync(cone, VisitMjd + 1));
    }

    [Fact]
    public async Task The_migration_fills_the_packed_tables_of_an_APDB_that_predates_them()
    {
        var summary = await HistoryLoader.LoadAsync(_db.DataSource, "tiny", 1, 8);

        // What an APDB at migration 15 looked like: wide tables with rows, no packed companions.
        await ExecuteAsync("DROP TABLE \"DiaSourcePacked\", \"DiaForcedSourcePacked\" CASCADE");
        await ExecuteAsync("DELETE FROM apdb_migrations WHERE id = 16");
        var report = await SchemaMigrator.MigrateAsync(_db.DataSource);

        Assert.Contains(report.Applied, name => name.Contains("packed_rows", StringComparison.Ordinal));
        await AssertMirroredAsync(summary.Rows["DiaSource"], summary.Rows["DiaForcedSource"]);
        Assert.Equal(
            await _db.CountAsync("SELECT count(*) FROM pg_inherits WHERE inhparent = '\"DiaSource\"'::regclass"),
            await _db.CountAsync("SELECT count(*) FROM pg_inherits WHERE inhparent = '\"DiaSourcePacked\"'::regclass"));
    }

    [Fact]
    public async Task Each_key_of_a_packed_table_has_its_wide_tables_type_and_nullability()
    {
        var columns = await ReadAsync(
            "SELECT p.table_name, p.column_name, p.data_type, p.is_nullable, w.data_type, w.is_nullable FROM information_schema.columns p " +
            "LEFT JOIN information_schema.columns w ON w.table_schema = p.table_schema AND w.table_name = replace(p.table_name, 'Packed', '') AND w.column_name = p.column_name " +
            "WHERE p.table_schema = current_schema() AND p.table_name IN ('DiaSourcePacked', 'DiaForcedSourcePacked') ORDER BY 1, 2",
            r => r.GetString(1) == "packed"
                ? (r.GetString(2) == "bytea" && r.GetString(3) == "NO" ? "ok" : $"{r.GetString(0)}.packed is {r.GetString(2)}")
                : r.IsDBNull(4) ? $"{r.GetString(0)}.{r.GetString(1)} is not a column of its wide table"
                : (r.GetString(2), r.GetString(3)) == (r.GetString(4), r.GetString(5)) ? "ok" : $"{r.GetString(0)}.{r.GetString(1)} differs from its wide column");

        Assert.Equal(7 + 6, columns.Count);
        Assert.All(columns, c => Assert.Equal("ok", c));
    }

    [Fact]
    public void A_damaged_packed_row_is_refused_not_misread()
    {
        var source = RowFactory.Source(new Random(4), 5, new DetectorVisit(1, 2), 10, 20, VisitMjd, 7);
        var packed = Pack(source);
        Assert.Equal(CopyBytes(source, DiaSourceColumns.WriteCopyRow), CopyBytes(PackedRows.ReadDiaSource(packed), DiaSourceColumns.WriteCopyRow));

        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource(packed.AsSpan(0, packed.Length - 1)));
        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource([.. packed, 0]));
        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource(packed.AsSpan(0, 12)));
        var noId = packed.ToArray();
        noId[7] &= 0xFE; // the presence bit of diaSourceId, a not-null column
        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource(noId));
    }

    /// <summary>
    /// The packed form of a row, built here from its binary COPY fields the way <c>apdb_pack_*</c> builds it on the
    /// server: presence bits, then the present fields' bytes (text with its 4-byte length).
    /// </summary>
    private static byte[] Pack(DiaSource row)
    {
        var copy = CopyBytes(row, DiaSourceColumns.WriteCopyRow);
        var columns = DiaSourceColumns.Columns;
        var words = new ulong[(columns.Count + 63) / 64];
        var values = new List<byte>();
        var position = 2;
        for (var i = 0; i < columns.Count; i++)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(copy.AsSpan(position));
            position += 4;
            if (length < 0)
            {
                continue;
            }

            words[i / 64] |= 1UL << (i % 64);
            if (columns[i].PostgresType is "varchar" or "char(1)" or "text")
            {
                values.AddRange(copy.AsSpan(position - 4, 4).ToArray());
            }

            values.AddRange(copy.AsSpan(position, length).ToArray());
            position += length;
        }

        var bytes = new List<byte>();
        foreach (var word in words)
        {
            var buffer = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer, word);
            bytes.AddRange(buffer);
        }

        return [.. bytes, .. values];
    }

    private static byte[] CopyBytes<T>(T row, Action<CopyBuffer, T> write)
    {
        using var buffer = new CopyBuffer(4096);
        write(buffer, row);
        return buffer.Written.ToArray();
    }

    /// <summary>
    /// Every wide row has exactly one packed row with the same keys, and the packed value decodes to the wide row:
    /// the same binary COPY bytes through the generated column map.
    /// </summary>
    private async Task AssertMirroredAsync(long sources, long forcedSources)
    {
        var wideSources = await ReadAsync(
            $"SELECT {string.Join(", ", DiaSource.ColumnNames.Select(Quote))} FROM \"DiaSource\" ORDER BY \"diaSourceId\"",
            r => CopyBytes(DiaSource.ReadRow(r), DiaSourceColumns.WriteCopyRow));
        var packedSources = await ReadAsync(
            "SELECT p.packed, p.\"diaSourceId\", p.\"diaObjectId\", p.visit, p.detector, p.\"midpointMjdTai\", p.\"pixelId\" FROM \"DiaSourcePacked\" p ORDER BY p.\"diaSourceId\"",
            r =>
            {
                var s = PackedRows.ReadDiaSource(r.GetFieldValue<byte[]>(0));
                Assert.Equal((s.DiaSourceId, s.DiaObjectId, s.Visit, s.Detector, s.MidpointMjdTai, s.PixelId),
                    (r.GetInt64(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2), r.GetInt64(3), r.GetInt16(4), r.GetDouble(5), r.GetInt64(6)));
                return CopyBytes(s, DiaSourceColumns.WriteCopyRow);
            });
        Assert.Equal(sources, wideSources.Count);
        Assert.Equal(wideSources, packedSources);

        const string ForcedOrder = " ORDER BY \"diaObjectId\", visit, detector";
        var wideForced = await ReadAsync(
            $"SELECT {string.Join(", ", DiaForcedSource.ColumnNames.Select(Quote))} FROM \"DiaForcedSource\"" + ForcedOrder,
            r => CopyBytes(DiaForcedSource.ReadRow(r), DiaForcedSourceColumns.WriteCopyRow));
        var packedForced = await ReadAsync(
            "SELECT packed, \"diaObjectId\", visit, detector, \"midpointMjdTai\", \"pixelId\" FROM \"DiaForcedSourcePacked\"" + ForcedOrder,
            r =>
            {
                var f = PackedRows.ReadDiaForcedSource(r.GetFieldValue<byte[]>(0));
                Assert.Equal((f.DiaObjectId, f.Visit, f.Detector, f.MidpointMjdTai, f.PixelId),
                    (r.GetInt64(1), r.GetInt64(2), r.GetInt16(3), r.GetDouble(4), r.GetInt64(5)));
                return CopyBytes(f, DiaForcedSourceColumns.WriteCopyRow);
            });
        Assert.Equal(forcedSources, wideForced.Count);
        Assert.Equal(wideForced, packedForced);
    }

    private async Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = _db.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _db.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _db.DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static string Quote(string name) => "\"" + name + "\"";
}
