using System.Diagnostics;
using System.Globalization;
using System.Text;
using Apdb.Pipeline.DiaPipe;
using Apdb.Records;
using Apdb.Simulation;
using Npgsql;

namespace Apdb.Cli.Commands;

/// <summary>
/// The server's own floor for one detector's preload, against the preload itself, both on a quiet server: the three
/// preload queries (same pixel ranges, same window, every column) as <c>COPY (SELECT ...) TO '/dev/null' (FORMAT
/// binary)</c>, which costs the server the scan and the output of every row and costs no client anything; and
/// DiaPipe's preload of the same region (the server's work plus the wire and the decoding into records). Both run their
/// three tables at once, as the preload does. Writing a server-side file needs superuser or
/// <c>pg_write_server_files</c>; when the server refuses it the floor is left out and <see cref="Unavailable"/> says why.
/// </summary>
internal sealed class ServerFloorProbe(NpgsqlDataSource dataSource, DiaPipeline pipeline)
{
    /// <summary>One detector's floor: the server-side COPY seconds and the preload seconds of the same region, with the rows the preload returned.</summary>
    internal sealed record Floor(int Detector, double CopySeconds, double ReadSeconds, long Rows);

    /// <summary>Why the floor is not measured (null while it is).</summary>
    public string? Unavailable { get; private set; }

    /// <summary>
    /// Measures the floor of one detector-visit's region; the order of the two alternates with <paramref name="copyFirst"/>
    /// so neither always runs on the cache the other warmed. Null when the server refuses the COPY to a file.
    /// </summary>
    public async Task<Floor?> MeasureAsync(Visit visit, int detector, bool copyFirst, CancellationToken ct)
    {
        if (Unavailable is not null)
        {
            return null;
        }

        var region = pipeline.PreloadRegion(visit, detector);
        var queries = CopyQueries(region, visit.MidpointMjdTai - (pipeline.Options.HistoryMonths * ApdbStore.DaysPerMonth));
        try
        {
            double copy;
            DiaPreload preload;
            if (copyFirst)
            {
                copy = await CopyAsync(queries, ct);
                preload = await pipeline.PreloadAsync(region, visit.MidpointMjdTai, ct);
            }
            else
            {
                preload = await pipeline.PreloadAsync(region, visit.MidpointMjdTai, ct);
                copy = await CopyAsync(queries, ct);
            }

            return new Floor(detector, copy, preload.Span.Seconds, (long)preload.Objects.Count + preload.Sources.Count + preload.ForcedSources.Count);
        }
        catch (PostgresException ex)
        {
            // Most often a role without the right to write server files; whatever the reason, the bench's own
            // measurements stand without the floor.
            Unavailable = $"the server refused COPY TO '/dev/null' ({ex.SqlState}: {ex.MessageText})";
            return null;
        }
    }

    private async Task<double> CopyAsync(string[] queries, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(queries.Select(async sql =>
        {
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync(ct);
        }));
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The preload's three queries as server-side COPYs: the values are literals, since COPY takes no parameters.</summary>
    private static string[] CopyQueries(Sky.ISkyRegion region, double windowStart)
    {
        var ranges = new StringBuilder();
        foreach (var range in region.Coverage().Ranges)
        {
            ranges.Append(ranges.Length == 0 ? string.Empty : " OR ")
                .Append(CultureInfo.InvariantCulture, $"(\"pixelId\" >= {range.Start} AND \"pixelId\" < {range.End})");
        }

        var where = ranges.Length == 0 ? "false" : ranges.ToString();
        var start = windowStart.ToString("R", CultureInfo.InvariantCulture);
        return
        [
            Copy("DiaObjectLast", DiaObjectLast.ColumnNames, where),
            Copy("DiaSource", DiaSource.ColumnNames, $"\"midpointMjdTai\" > {start} AND ({where})"),
            Copy("DiaForcedSource", DiaForcedSource.ColumnNames, $"\"midpointMjdTai\" > {start} AND ({where})"),
        ];
    }

    private static string Copy(string table, IReadOnlyList<string> columns, string where) =>
        $"COPY (SELECT {string.Join(", ", columns.Select(c => $"\"{c}\""))} FROM \"{table}\" WHERE {where}) TO '/dev/null' (FORMAT binary)";
}
