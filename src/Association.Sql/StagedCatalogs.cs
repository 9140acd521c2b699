using System.Diagnostics;
using System.Globalization;
using Apdb.Sky;
using Npgsql;
using NpgsqlTypes;

namespace Apdb.Association.Sql;

/// <summary>
/// An object and a source catalog staged by binary COPY into temporary tables of one PostgreSQL session, ready for an
/// in-database join: <c>pg_temp.apdb_assoc_objects</c> and <c>pg_temp.apdb_assoc_sources</c>, each with the row index
/// (<c>idx</c>, the catalog row), id, ra, dec, unit vector and depth-29 HEALPix NESTED <c>pixel_id</c>; sources also
/// carry the depth-29 pixel ranges they must probe. Indexes are built on demand; the tables go when this is disposed.
/// </summary>
/// <remarks>
/// Both in-database strategies read the same tables, so their queries can be compared on equal terms. The join returns
/// (source row, object row) pairs that pass a padded distance prefilter; the shared exact filter then decides.
/// </remarks>
public sealed class StagedCatalogs : IAsyncDisposable
{
    /// <summary>The objects table.</summary>
    public const string ObjectsTable = "pg_temp.apdb_assoc_objects";

    /// <summary>The sources table.</summary>
    public const string SourcesTable = "pg_temp.apdb_assoc_sources";

    /// <summary>The B-tree on the objects' depth-29 pixel ids, covering what the join reads.</summary>
    public const string PixelIndex = "apdb_assoc_objects_pixel";

    /// <summary>The q3c index on the objects.</summary>
    public const string Q3cIndex = "apdb_assoc_objects_q3c";

    /// <summary>
    /// The pixel-range join: for each source, each of its ranges probes the pixel index (a nested loop over index
    /// scans); a padded squared-chord test on the staged unit vectors prefilters. <c>$1</c> is the padded limit.
    /// </summary>
    public const string PixelRangeQuery =
        "SELECT s.idx, o.idx FROM " + SourcesTable + " s " +
        "CROSS JOIN LATERAL unnest(s.range_start, s.range_end) AS r(lo, hi) " +
        "JOIN " + ObjectsTable + " o ON o.pixel_id >= r.lo AND o.pixel_id < r.hi " +
        "WHERE (o.x - s.x) * (o.x - s.x) + (o.y - s.y) * (o.y - s.y) + (o.z - s.z) * (o.z - s.z) <= $1";

    /// <summary>The q3c peer: q3c_join through the q3c index on the objects. <c>$1</c> is the padded radius in degrees.</summary>
    public const string Q3cQuery =
        "SELECT s.idx, o.idx FROM " + SourcesTable + " s JOIN " + ObjectsTable + " o " +
        "ON q3c_join(s.ra, s.dec, o.ra, o.dec, $1)";

    private readonly NpgsqlConnection _connection;
    private readonly Catalog _objects;
    private readonly Catalog _sources;
    private readonly double _radiusArcsec;
    private bool _pixelIndex;
    private bool _q3cIndex;

    private StagedCatalogs(NpgsqlConnection connection, Catalog objects, Catalog sources, double radiusArcsec, PixelProbePlan plan)
    {
        _connection = connection;
        _objects = objects;
        _sources = sources;
        _radiusArcsec = radiusArcsec;
        Plan = plan;
    }

    /// <summary>The depth whose pixel and neighbours cover a source's disc (-1: the whole sky is probed).</summary>
    public int NeighbourDepth => Plan.NeighbourDepth;

    /// <summary>The depth of the pixels the ranges are made of (-1: the whole sky is probed).</summary>
    public int ProbeDepth => Plan.ProbeDepth;

    /// <summary>Ranges staged for all sources together.</summary>
    public long RangeCount { get; private set; }

    internal PixelProbePlan Plan { get; }

    /// <summary>
    /// Opens a session and stages both catalogs: rows are copied in depth-29 pixel order (so the B-tree is built from
    /// sorted input and neighbouring probes touch neighbouring pages), then vacuumed and analyzed.
    /// </summary>
    /// <param name="dataSource">The server.</param>
    /// <param name="objects">The object catalog.</param>
    /// <param name="sources">The source catalog.</param>
    /// <param name="radiusArcsec">The match radius the source ranges are planned for.</param>
    /// <param name="cancellationToken">Cancels the staging.</param>
    /// <returns>The staged tables; dispose to drop them.</returns>
    public static async Task<StagedCatalogs> StageAsync(
        NpgsqlDataSource dataSource, Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        MatchRadius.Check(radiusArcsec);

        var objectPixels = new long[objects.Count];
        HealpixNested.Hash(HealpixNested.MaxDepth, objects.RaDeg, objects.DecDeg, objectPixels);
        var objectOrder = SortedOrder(objectPixels);
        var sortedPixels = new long[objectPixels.Length];
        for (var i = 0; i < sortedPixels.Length; i++)
        {
            sortedPixels[i] = objectPixels[objectOrder[i]];
        }

        var plan = PixelProbePlan.Create(radiusArcsec, sortedPixels);
        var sourcePixels = new long[sources.Count];
        HealpixNested.Hash(HealpixNested.MaxDepth, sources.RaDeg, sources.DecDeg, sourcePixels);
        var sourceOrder = SortedOrder(sourcePixels);

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var staged = new StagedCatalogs(connection, objects, sources, radiusArcsec, plan);
        try
        {
            await staged.PrepareSessionAsync(cancellationToken).ConfigureAwait(false);
            await staged.CopyObjectsAsync(objectPixels, objectOrder, cancellationToken).ConfigureAwait(false);
            await staged.CopySourcesAsync(sourcePixels, sourceOrder, cancellationToken).ConfigureAwait(false);
            // VACUUM sets the objects' visibility map, which index-only scans need; the sources are only scanned, so
            // row counts are all they need (their range arrays carry no statistics: ANALYZE would spend long on them).
            await staged.ExecuteAsync($"VACUUM (ANALYZE) {ObjectsTable}", cancellationToken).ConfigureAwait(false);
            await staged.ExecuteAsync($"ANALYZE {SourcesTable}", cancellationToken).ConfigureAwait(false);
            return staged;
        }
        catch
        {
            await staged.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Builds the covering B-tree on the objects' pixel ids (idempotent) and refreshes statistics.</summary>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>A task that completes when the index is ready.</returns>
    public async Task CreatePixelIndexAsync(CancellationToken cancellationToken = default)
    {
        if (_pixelIndex)
        {
            return;
        }

        // INCLUDE makes the probe an index-only scan: the prefilter needs nothing from the heap.
        await ExecuteAsync($"CREATE INDEX {PixelIndex} ON {ObjectsTable} (pixel_id) INCLUDE (x, y, z, idx)", cancellationToken).ConfigureAwait(false);
        _pixelIndex = true;
    }

    /// <summary>
    /// Builds the q3c index on the objects (idempotent), creating the q3c extension when the server has it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>A task that completes when the index is ready.</returns>
    /// <exception cref="AssociationInputException">The server lacks the q3c extension, or it cannot be created.</exception>
    public async Task CreateQ3cIndexAsync(CancellationToken cancellationToken = default)
    {
        if (_q3cIndex)
        {
            return;
        }

        await Q3cExtension.EnsureAsync(_connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync($"CREATE INDEX {Q3cIndex} ON {ObjectsTable} (q3c_ang2ipix(ra, dec))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync($"ANALYZE {ObjectsTable}", cancellationToken).ConfigureAwait(false);
        _q3cIndex = true;
    }

    /// <summary>Runs the pixel-range join (building the pixel index first if needed).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>A superset of the pairs within the radius.</returns>
    public async Task<CandidateSet> QueryPixelRangesAsync(CancellationToken cancellationToken = default)
    {
        await CreatePixelIndexAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPairsAsync(PixelRangeQuery, PaddedChordLimit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the q3c_join peer (building the q3c index first if needed).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>A superset of the pairs within the radius.</returns>
    /// <exception cref="AssociationInputException">The server lacks the q3c extension.</exception>
    public async Task<CandidateSet> QueryQ3cAsync(CancellationToken cancellationToken = default)
    {
        await CreateQ3cIndexAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPairsAsync(Q3cQuery, PaddedRadiusDeg, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The plan PostgreSQL chooses for the pixel-range join, as EXPLAIN text.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One line per plan node.</returns>
    public async Task<string> ExplainPixelRangeQueryAsync(CancellationToken cancellationToken = default)
    {
        await CreatePixelIndexAsync(cancellationToken).ConfigureAwait(false);
        return await ExplainAsync(PixelRangeQuery, PaddedChordLimit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The plan PostgreSQL chooses for the q3c join, as EXPLAIN text.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One line per plan node.</returns>
    public async Task<string> ExplainQ3cQueryAsync(CancellationToken cancellationToken = default)
    {
        await CreateQ3cIndexAsync(cancellationToken).ConfigureAwait(false);
        return await ExplainAsync(Q3cQuery, PaddedRadiusDeg, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.FullState == System.Data.ConnectionState.Open)
            {
                await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {SourcesTable}, {ObjectsTable}", _connection);
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // A broken session drops its temporary tables when it closes.
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Binary COPY keeps the staged unit vectors bit-identical to the catalog's, so this pad only has to absorb the
    // server's arithmetic, which is the same IEEE double arithmetic; it is generous anyway: the exact filter decides.
    private double PaddedChordLimit => (ChordMetric.LimitForRadiusArcsec(_radiusArcsec) * (1 + 1e-6)) + 1e-24;

    // q3c computes the angle with its own trigonometry: pad by a part per million plus 1e-10 degree.
    private double PaddedRadiusDeg => Math.Min(180.0, (_radiusArcsec / 3600.0 * (1 + 1e-6)) + 1e-10);

    private static int[] SortedOrder(long[] pixels)
    {
        var keys = (long[])pixels.Clone();
        var order = new int[pixels.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    private async Task PrepareSessionAsync(CancellationToken cancellationToken)
    {
        // Temporary tables live in the session's local buffers (8 MB by default). The setting can only grow before the
        // session first touches a temporary table; a pooled session that already did keeps the size it had.
        try
        {
            await ExecuteAsync("SET temp_buffers = '512MB'", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidParameterValue)
        {
            Debug.WriteLine($"temp_buffers unchanged: {e.MessageText}");
        }

        await ExecuteAsync(
            "SET maintenance_work_mem = '256MB'; SET work_mem = '64MB'; SET jit = off; " +
            $"DROP TABLE IF EXISTS {SourcesTable}, {ObjectsTable}; " +
            $"CREATE TEMP TABLE apdb_assoc_objects (idx int4 NOT NULL, id int8 NOT NULL, pixel_id int8 NOT NULL, ra float8 NOT NULL, dec float8 NOT NULL, x float8 NOT NULL, y float8 NOT NULL, z float8 NOT NULL); " +
            $"CREATE TEMP TABLE apdb_assoc_sources (idx int4 NOT NULL, id int8 NOT NULL, pixel_id int8 NOT NULL, ra float8 NOT NULL, dec float8 NOT NULL, x float8 NOT NULL, y float8 NOT NULL, z float8 NOT NULL, range_start int8[] NOT NULL, range_end int8[] NOT NULL); " +
            "ALTER TABLE pg_temp.apdb_assoc_sources ALTER COLUMN range_start SET STATISTICS 0, ALTER COLUMN range_end SET STATISTICS 0",
            cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyObjectsAsync(long[] pixels, int[] order, CancellationToken cancellationToken)
    {
        var writer = await _connection.BeginBinaryImportAsync(
            $"COPY {ObjectsTable} (idx, id, pixel_id, ra, dec, x, y, z) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            // Synchronous writes into the importer's buffer: far cheaper per value than awaiting each one; the buffer
            // flushes to the socket as it fills.
            WriteRows(writer, _objects, pixels, order, null, cancellationToken);
            var copied = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            CheckCopied(copied, order.Length, ObjectsTable);
        }
    }

    private async Task CopySourcesAsync(long[] pixels, int[] order, CancellationToken cancellationToken)
    {
        var writer = await _connection.BeginBinaryImportAsync(
            $"COPY {SourcesTable} (idx, id, pixel_id, ra, dec, x, y, z, range_start, range_end) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            RangeCount = WriteRows(writer, _sources, pixels, order, Plan, cancellationToken);
            var copied = await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            CheckCopied(copied, order.Length, SourcesTable);
        }
    }

    private static long WriteRows(NpgsqlBinaryImporter writer, Catalog catalog, long[] pixels, int[] order, PixelProbePlan? plan, CancellationToken cancellationToken)
    {
        var ids = catalog.Ids;
        var ra = catalog.RaDeg;
        var dec = catalog.DecDeg;
        var x = catalog.X;
        var y = catalog.Y;
        var z = catalog.Z;
        Span<long> starts = stackalloc long[9];
        Span<long> ends = stackalloc long[9];
        long ranges = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if ((k & 16383) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var i = order[k];
            writer.StartRow();
            writer.Write(i, NpgsqlDbType.Integer);
            writer.Write(ids[i], NpgsqlDbType.Bigint);
            writer.Write(pixels[i], NpgsqlDbType.Bigint);
            writer.Write(ra[i], NpgsqlDbType.Double);
            writer.Write(dec[i], NpgsqlDbType.Double);
            writer.Write(x[i], NpgsqlDbType.Double);
            writer.Write(y[i], NpgsqlDbType.Double);
            writer.Write(z[i], NpgsqlDbType.Double);
            if (plan is not null)
            {
                var n = plan.Ranges(pixels[i], starts, ends);
                ranges += n;
                writer.Write(starts[..n].ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                writer.Write(ends[..n].ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            }
        }

        return ranges;
    }

    private static void CheckCopied(ulong copied, int expected, string table)
    {
        if (copied != (ulong)expected)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"COPY into {table} reported {copied} rows, expected {expected}"));
        }
    }

    private async Task<CandidateSet> ReadPairsAsync(string sql, double parameter, CancellationToken cancellationToken)
    {
        var result = new CandidateSet(_sources.Count + (_sources.Count / 4));
        await using var command = new NpgsqlCommand(sql, _connection);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = parameter, NpgsqlDbType = NpgsqlDbType.Double });
        var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var sourceCount = _sources.Count;
            var objectCount = _objects.Count;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var s = reader.GetInt32(0);
                var o = reader.GetInt32(1);
                if ((uint)s >= (uint)sourceCount || (uint)o >= (uint)objectCount)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the server returned row indices ({s}, {o}) outside the staged catalogs"));
                }

                result.Add(s, o);
            }
        }

        return result;
    }

    private async Task<string> ExplainAsync(string sql, double parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, _connection);
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = parameter, NpgsqlDbType = NpgsqlDbType.Double });
        var lines = new List<string>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                lines.Add(reader.GetString(0));
            }
        }

        return string.Join('\n', lines);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
