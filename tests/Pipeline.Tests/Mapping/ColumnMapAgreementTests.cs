using System.Buffers;
using Apdb.Alerts;
using Apdb.History;
using Apdb.Records;
using Apdb.Schema;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Pipeline.Tests.Mapping;

/// <summary>
/// One column map per table (generated from the schema TSV) and the representations that go through it agree: what the
/// history's binary COPY writes, what the store writes and reads back, what the pipeline's records hold and what the
/// alert's Avro records hold are equal column by column, by name.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ColumnMapAgreementTests : IAsyncLifetime
{
    private const double Mjd = 60_000;
    private readonly PostgresServer _server;
    private NpgsqlDataSource _dataSource = null!;

    public ColumnMapAgreementTests(PostgresServer server)
    {
        _server = server;
    }

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await _server.CreateDatabaseAsync("mapping"));
        await SchemaMigrator.MigrateAsync(_dataSource);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public void Each_column_map_lists_the_TSV_columns_of_its_table_in_order_with_their_nullability_then_pixelId()
    {
        var tsv = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "reference", "apdb-schema-v10.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToLookup(f => f[0], f => (Name: f[1], Nullable: f[3] == "true"));
        var maps = new Dictionary<string, IReadOnlyList<ApdbColumn>>
        {
            ["DiaSource"] = DiaSourceColumns.Columns,
            ["DiaObject"] = DiaObjectColumns.Columns,
            ["DiaObjectLast"] = DiaObjectLastColumns.Columns,
            ["DiaForcedSource"] = DiaForcedSourceColumns.Columns,
        };
        foreach (var (table, columns) in maps)
        {
            var expected = tsv[table].Append(("pixelId", false)).ToList();
            Assert.True(expected.Count > 10, $"{table}: the TSV lists only {expected.Count - 1} columns");
            Assert.Equal(expected, columns.Select(c => (c.Name, c.Nullable)));
        }

        Assert.Equal(DiaSourceColumns.Count, DiaSourceColumns.Names.Count);
        Assert.Equal(DiaObjectColumns.Count, DiaObjectColumns.Names.Count);
        Assert.Equal(DiaObjectLastColumns.Count, DiaObjectLastColumns.Names.Count);
        Assert.Equal(DiaForcedSourceColumns.Count, DiaForcedSourceColumns.Names.Count);
    }

    [Fact]
    public void Every_column_left_out_of_an_alert_record_says_why()
    {
        foreach (var (column, reason) in AvroRecordEncoder.DiaSourceOmitted.Concat(AvroRecordEncoder.DiaObjectOmitted).Concat(AvroRecordEncoder.DiaForcedSourceOmitted))
        {
            Assert.False(string.IsNullOrWhiteSpace(reason), $"{column} is left out of the alert without a reason");
        }

        Assert.Contains(AvroRecordEncoder.DiaForcedSourceOmitted, o => o.Column == "pixelId");
    }

    [Fact]
    public async Task DiaSources_agree_through_the_history_COPY_the_store_the_pipeline_records_and_the_alert()
    {
        var random = new Random(19);
        var rows = RandomRows.DiaSources(random, 60, visit: 7_001, detector: 42, Mjd);

        using var buffer = new CopyBuffer(4096);
        HistoryCopyEncoders.Encode(rows, buffer);
        var copied = await CopyAndReadAsync("DiaSource", DiaSourceColumns.Names, buffer, DiaSource.ReadRow);

        var piped = rows.Select(r => DiaSourceRows.ToRecord(r)).ToList();
        Assert.All(piped, p => Assert.Null(p.DiaObjectId));
        for (var i = 0; i < rows.Length; i++)
        {
            ColumnValues.Same(DiaSourceColumns.Columns, copied[i], piped[i], $"DiaSource {rows[i].DiaSourceId}, pipeline record vs history COPY", except: "diaObjectId");
            piped[i].DiaObjectId = rows[i].DiaObjectId;
            ColumnValues.Same(DiaSourceColumns.Columns, copied[i], piped[i], $"DiaSource {rows[i].DiaSourceId}, associated pipeline record vs history COPY");
        }

        await new ApdbStore(_dataSource).StoreAsync(new DetectorVisit(7_001, 42), Mjd + 30, [], piped, []);
        var stored = (await new ApdbStore(_dataSource).GetDiaSourcesAsync([.. rows.Select(r => r.DiaObjectId)], Mjd + 30))
            .OrderBy(s => s.DiaSourceId).ToList();
        Assert.Equal(rows.Length, stored.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            ColumnValues.Same(DiaSourceColumns.Columns, copied[i], stored[i], $"DiaSource {rows[i].DiaSourceId}, store read-back vs history COPY");
            var avro = ColumnValues.ToAvro("diaSource", e => AvroRecordEncoder.WriteDiaSource(e, piped[i]));
            ColumnValues.SameAsAvro(DiaSourceColumns.Columns, AvroRecordEncoder.DiaSourceFields, AvroRecordEncoder.DiaSourceOmitted, copied[i], avro, $"DiaSource {rows[i].DiaSourceId}");
        }
    }

    [Fact]
    public async Task DiaObjects_and_DiaObjectLast_agree_through_the_history_COPY_the_records_and_the_alert()
    {
        var rows = RandomRows.DiaObjects(new Random(20), 60);

        using var versions = new CopyBuffer(4096);
        HistoryCopyEncoders.Encode(rows, versions);
        var copied = await CopyAndReadAsync("DiaObject", DiaObjectColumns.Names, versions, DiaObject.ReadRow);
        using var last = new CopyBuffer(4096);
        HistoryCopyEncoders.EncodeLast(rows, last);
        var copiedLast = await CopyAndReadAsync("DiaObjectLast", DiaObjectLastColumns.Names, last, DiaObjectLast.ReadRow);

        Assert.Contains(copied, o => o.ValidityEndMjdTai is null);
        Assert.Contains(copied, o => o.UPsfFluxSigma is null);
        for (var i = 0; i < rows.Length; i++)
        {
            var record = DiaObjectColumns.ToRecord(new SimulatedDiaObject(in rows[i]));
            ColumnValues.Same(DiaObjectColumns.Columns, record, copied[i], $"DiaObject {rows[i].DiaObjectId}, history COPY vs record");
            ColumnValues.Same(DiaObjectLastColumns.Columns, DiaObjectLastColumns.ToRecord(new SimulatedDiaObject(in rows[i])), copiedLast[i], $"DiaObjectLast {rows[i].DiaObjectId}, history COPY vs record");
            foreach (var column in DiaObjectLastColumns.Columns)
            {
                var inVersion = DiaObjectColumns.Columns.Single(c => c.Name == column.Name);
                var expected = column.Name == "lastDiaSourceMjdTai" ? copied[i].LastDiaSourceMjdTai : ColumnValues.Of(copied[i], inVersion);
                Assert.Equal(expected, ColumnValues.Of(copiedLast[i], column));
            }

            var avro = ColumnValues.ToAvro("diaObject", e => AvroRecordEncoder.WriteDiaObject(e, record));
            ColumnValues.SameAsAvro(DiaObjectColumns.Columns, AvroRecordEncoder.DiaObjectFields, AvroRecordEncoder.DiaObjectOmitted, copied[i], avro, $"DiaObject {rows[i].DiaObjectId}");
        }
    }

    [Fact]
    public async Task DiaForcedSources_agree_through_the_history_COPY_the_store_the_records_and_the_alert()
    {
        var rows = RandomRows.DiaForcedSources(new Random(21), 60, visit: 7_002, detector: 43, Mjd);

        using var buffer = new CopyBuffer(4096);
        HistoryCopyEncoders.Encode(rows, buffer);
        var copied = await CopyAndReadAsync("DiaForcedSource", DiaForcedSourceColumns.Names, buffer, DiaForcedSource.ReadRow);
        var records = rows.Select(r => DiaForcedSourceColumns.ToRecord(new SimulatedDiaForcedSource(in r))).ToList();

        await new ApdbStore(_dataSource).StoreAsync(new DetectorVisit(7_002, 43), Mjd + 30, [], [], records);
        var stored = (await new ApdbStore(_dataSource).GetDiaForcedSourcesAsync([.. rows.Select(r => r.DiaObjectId)], Mjd + 30))
            .OrderBy(f => f.DiaForcedSourceId).ToList();
        Assert.Equal(rows.Length, stored.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            ColumnValues.Same(DiaForcedSourceColumns.Columns, records[i], copied[i], $"DiaForcedSource {rows[i].DiaForcedSourceId}, history COPY vs record");
            ColumnValues.Same(DiaForcedSourceColumns.Columns, copied[i], stored[i], $"DiaForcedSource {rows[i].DiaForcedSourceId}, store read-back vs history COPY");
            var avro = ColumnValues.ToAvro("diaForcedSource", e => AvroRecordEncoder.WriteDiaForcedSource(e, records[i]));
            ColumnValues.SameAsAvro(DiaForcedSourceColumns.Columns, AvroRecordEncoder.DiaForcedSourceFields, AvroRecordEncoder.DiaForcedSourceOmitted, copied[i], avro, $"DiaForcedSource {rows[i].DiaForcedSourceId}");
        }
    }

    /// <summary>Sends <paramref name="buffer"/> as a binary COPY into a temporary copy of <paramref name="table"/> and reads the rows back in key order.</summary>
    private async Task<List<T>> CopyAndReadAsync<T>(string table, IReadOnlyList<string> columns, CopyBuffer buffer, Func<NpgsqlDataReader, T> read)
    {
        var rows = buffer.Rows;
        var list = string.Join(", ", columns.Select(c => $"\"{c}\""));
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE \"copy_{table}\" (LIKE \"{table}\")", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var (bytes, length) = buffer.Detach();
        try
        {
            await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY \"copy_{table}\" ({list}) FROM STDIN (FORMAT BINARY)");
            await copy.WriteAsync(CopyBuffer.Header.ToArray());
            await copy.WriteAsync(bytes.AsMemory(0, length));
            await copy.WriteAsync(CopyBuffer.Trailer.ToArray());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        var result = new List<T>();
        await using var select = new NpgsqlCommand($"SELECT {list} FROM \"copy_{table}\" ORDER BY 1, 2", connection);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(read(reader));
        }

        Assert.Equal(rows, result.Count);
        return result;
    }
}
