using System.Globalization;
using System.Reflection;
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
        Assert.Equal(summary.Rows["DiaSource"], summary.Tables["DiaSourcePacked"].Rows);
        await AssertMirroredAsync(summary.Rows["DiaSource"], summary.Rows["DiaForcedSource"]);
        // The load packed on the client; the server's own packing of each wide row gives the same bytes.
        Assert.Empty(await Apdb.Tests.Shared.ApdbInvariants.ViolationsAsync(_db.DataSource));
        // The load writes each batch of visits in pixelId order, so a region's rows of a batch share pages: in storage
        // order pixelId falls back at most once a visit (the wide table, in generation order, falls back at every other row).
        const string Descents =
            "SELECT count(*) FROM (SELECT \"pixelId\" < lag(\"pixelId\") OVER (PARTITION BY tableoid ORDER BY ctid) AS down FROM \"{0}\") x WHERE down";
        var visits = await _db.CountAsync("SELECT count(DISTINCT visit) FROM \"DiaSource\"");
        Assert.InRange(await _db.CountAsync(string.Format(CultureInfo.InvariantCulture, Descents, "DiaSourcePacked")), 0, visits);
        Assert.True(await _db.CountAsync(string.Format(CultureInfo.InvariantCulture, Descents, "DiaSource")) > summary.Rows["DiaSource"] / 4);
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
        await _db.ExecuteAsync("DROP TABLE \"DiaSourcePacked\", \"DiaForcedSourcePacked\" CASCADE");
        await _db.ExecuteAsync("DELETE FROM apdb_migrations WHERE id = 16");
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
        source.ReliabilityVersion = "v é";
        var packed = Pack(source);
        Assert.Equal(CopyBytes(source, DiaSourceColumns.WriteCopyRow), CopyBytes(PackedRows.ReadDiaSource(packed), DiaSourceColumns.WriteCopyRow));

        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource(packed.AsSpan(0, packed.Length - 1)));
        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource([.. packed, 0]));
        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource(packed.AsSpan(0, 12)));
        var noId = packed.ToArray();
        noId[7] &= 0xFE; // the presence bit of diaSourceId, a not-null column
        Assert.Throws<InvalidDataException>(() => PackedRows.ReadDiaSource(noId));
    }

    [Fact]
    public void Packed_rows_with_any_mix_of_nulls_decode_to_the_records_they_came_from()
    {
        var random = new Random(11);
        var sourceColumns = RecordStorageTests.NullableValueProperties(typeof(DiaSource));
        var forcedColumns = RecordStorageTests.NullableValueProperties(typeof(DiaForcedSource));
        for (var i = 0; i < 200; i++)
        {
            var source = new DiaSource { DiaSourceId = i + 1, Visit = 7, Detector = 3, MidpointMjdTai = 60700.5, Ra = 10, Dec = -5, Band = "r", PixelId = 99 };
            FillSome(source, sourceColumns, random);
            var decoded = PackedRows.ReadDiaSource(Pack(source));
            Assert.Equal(CopyBytes(source, DiaSourceColumns.WriteCopyRow), CopyBytes(decoded, DiaSourceColumns.WriteCopyRow));
            Assert.All(sourceColumns, p => Assert.Equal(p.GetValue(source), p.GetValue(decoded)));

            var forced = new DiaForcedSource { DiaForcedSourceId = i + 1, DiaObjectId = 5, Visit = 7, Detector = 3, MidpointMjdTai = 60700.5, Ra = 10, Dec = -5, Band = "g", PixelId = 99 };
            FillSome(forced, forcedColumns, random);
            var decodedForced = PackedRows.ReadDiaForcedSource(Pack(PackedRowEncoder.DiaForcedSource, forced, DiaForcedSourceColumns.WriteCopyRow));
            Assert.Equal(CopyBytes(forced, DiaForcedSourceColumns.WriteCopyRow), CopyBytes(decodedForced, DiaForcedSourceColumns.WriteCopyRow));
        }
    }

    [Fact]
    public void Repeated_text_decodes_to_one_string_and_changed_text_to_its_own()
    {
        string? Decode(string? version)
        {
            var source = RowFactory.Source(new Random(5), 6, new DetectorVisit(1, 2), 10, 20, VisitMjd, 7);
            source.ReliabilityVersion = version;
            return PackedRows.ReadDiaSource(Pack(source)).ReliabilityVersion;
        }

        var first = Decode("reliability-v1");
        var again = Decode("reliability-v1");
        Assert.Equal("reliability-v1", first);
        Assert.Same(first, again);
        Assert.Equal("reliability-v2", Decode("reliability-v2"));
        Assert.Equal("réliability-v1", Decode("réliability-v1"));
        Assert.Equal("r\uFFFD", Decode("r\uFFFD"));
        Assert.Null(Decode(null));
        Assert.Equal("reliability-v1", Decode("reliability-v1"));
    }

    /// <summary>Sets each of <paramref name="columns"/> to null, or a value (a boolean to true or false), at random.</summary>
    private static void FillSome(object row, List<PropertyInfo> columns, Random random)
    {
        for (var k = 0; k < columns.Count; k++)
        {
            var draw = random.Next(3);
            columns[k].SetValue(row, draw == 0 ? null : columns[k].PropertyType == typeof(bool?) ? draw == 1 : RecordStorageTests.Value(columns[k], random.Next(1000)));
        }
    }

    /// <summary>The packed form of a row as the history load makes it: the last field of its packed COPY row.</summary>
    private static byte[] Pack(DiaSource row) => Pack(PackedRowEncoder.DiaSource, row, DiaSourceColumns.WriteCopyRow);

    private static byte[] Pack<T>(PackedRowEncoder encoder, T row, Action<CopyBuffer, T> write)
    {
        using var packed = new CopyBuffer(4096);
        encoder.Append(CopyBytes(row, write), packed);
        var bytes = packed.Written;
        var fields = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(bytes);
        var position = 2;
        for (var i = 0; i < fields - 1; i++)
        {
            position += 4 + Math.Max(0, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes[position..]));
        }

        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes[position..]);
        Assert.Equal(bytes.Length, position + 4 + length);
        return bytes.Slice(position + 4, length).ToArray();
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

    private static string Quote(string name) => "\"" + name + "\"";
}
