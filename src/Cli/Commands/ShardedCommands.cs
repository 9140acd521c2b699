using System.Globalization;
using Apdb.Embedded;
using Apdb.History;
using Apdb.Schema;
using Apdb.Sharded;
using Apdb.Sky;
using Npgsql;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary>
/// The database commands on a sharded APDB: <c>up --shards N</c> (N embedded shard clusters and a coordinator under
/// <c>$APDB_HOME/shards</c>), <c>down</c>, <c>status</c>, <c>init</c> and <c>load-history</c>. A command is sharded
/// when <c>--db</c> / <c>APDB_DB</c> is in the sharded format (<see cref="ShardedTarget"/>), or, without one, when
/// <c>up --shards</c> has made the embedded layout (until that directory is removed).
/// </summary>
internal static class ShardedCommands
{
    /// <summary>Where <c>up --shards</c> keeps the embedded layout.</summary>
    public static string Home => Path.Combine(EmbeddedPostgres.DefaultHome(), "shards");

    /// <summary>Whether the command works on a sharded APDB.</summary>
    public static bool IsSharded(CliContext context) =>
        context.ExternalDb is { } db ? ShardedTarget.IsSharded(db) : ShardedEmbedded.RecordedShards(Home) is not null;

    /// <summary>The servers: parsed from --db, or the embedded layout started (and created) as needed.</summary>
    public static async Task<(ShardedTarget Target, ShardedEmbedded? Embedded)> TargetAsync(CliContext context, int? shards, CancellationToken ct)
    {
        if (context.ExternalDb is { } db)
        {
            return (ShardedTarget.Parse(db), null);
        }

        var count = shards ?? ShardedEmbedded.RecordedShards(Home) ?? throw new ApdbUserException("no sharded layout: run 'apdb up --shards N' first");
        var embedded = new ShardedEmbedded(Home, count);
        var (coordinator, servers) = await embedded.StartAsync(ct);
        return (ShardedEmbedded.TargetOf(coordinator, servers), embedded);
    }

    /// <summary>
    /// The sharded APDB that <c>run</c> and <c>demo</c> store into. <paramref name="initialise"/> creates or upgrades the
    /// layout first (<c>demo</c>, as <c>init</c> does); otherwise every shard's schema must be current.
    /// </summary>
    public static async Task<ShardedApdb> OpenAsync(CliContext context, CancellationToken ct, bool initialise = false)
    {
        var (target, _) = await TargetAsync(context, null, ct);
        if (initialise)
        {
            await ShardedSchema.InitAsync(target, null, cancellationToken: ct);
        }

        var apdb = await ShardedApdb.OpenAsync(target, ct);
        try
        {
            await apdb.OnEveryShardAsync(async (_, shard) =>
            {
                await SchemaMigrator.EnsureCurrentAsync(shard, ct);
                return true;
            });
            return apdb;
        }
        catch
        {
            await apdb.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>demo</c> on a sharded APDB opened (and initialised) by <see cref="OpenAsync"/>.</summary>
    public static DemoTarget DemoTarget(CliContext context, ShardedApdb apdb) => new(
        $"database: a sharded APDB of {apdb.Layout.ShardCount} shard(s){(apdb.Coordinator is null ? " without a coordinator" : " and a coordinator")} (`apdb status` lists them)",
        _ => Task.CompletedTask,
        apdb.Shards[0],
        (seed, replace, c) => LoadHistoryAsync(context, "demo", DemoCommand.Months, seed, replace, c),
        apdb,
        apdb.Coordinator);

    public static async Task<int> UpAsync(CliContext context, int shards, CancellationToken ct)
    {
        var (target, _) = await TargetAsync(context, shards, ct);
        var servers = Servers(target);
        if (context.Json)
        {
            context.WriteJson(new { running = true, embedded = true, uri = servers[0].Uri, shards, servers });
        }
        else
        {
            foreach (var s in servers)
            {
                Console.WriteLine($"{s.Role,-12} {s.Uri}");
            }

            Console.WriteLine($"sharded APDB: {shards} shard(s) and a coordinator running under {Home}; next: apdb init");
        }

        return CommandRunner.Success;
    }

    public static async Task<int> DownAsync(CliContext context, CancellationToken ct)
    {
        var count = ShardedEmbedded.RecordedShards(Home)!.Value;
        var stopped = await new ShardedEmbedded(Home, count).StopAsync(ct);
        if (context.Json)
        {
            context.WriteJson(new { stopped = stopped > 0, running = false, embedded = true, servers = stopped, dataDir = Home });
        }
        else
        {
            Console.WriteLine($"stopped {stopped} of {count + 1} servers of the sharded APDB ({Home})");
        }

        return CommandRunner.Success;
    }

    public static async Task<int> StatusAsync(CliContext context, CancellationToken ct)
    {
        var embedded = context.ExternalDb is null;
        ShardedTarget target;
        if (embedded)
        {
            var layout = new ShardedEmbedded(Home, ShardedEmbedded.RecordedShards(Home)!.Value);
            var clusters = await Task.WhenAll(layout.Shards.Prepend(layout.Coordinator).Select(s => s.TryAttachAsync(ct)));
            if (clusters.Any(c => c is null))
            {
                var servers = layout.Shards.Prepend(layout.Coordinator).Select((s, i) => new ServerStatus(
                    i == 0 ? "coordinator" : "shard", i == 0 ? null : i - 1, clusters[i]?.Uri, clusters[i] is not null, null, s.DataDirectory, null)).ToList();
                Report(context, new ShardedStatus(false, true, null, servers));
                return CommandRunner.Success;
            }

            target = ShardedEmbedded.TargetOf(clusters[0]!, clusters.Skip(1)!);
        }
        else
        {
            target = ShardedTarget.Parse(context.ExternalDb!);
        }

        var probes = Servers(target).Select(s => ProbeAsync(s, ct)).ToList();
        var results = await Task.WhenAll(probes);
        Report(context, new ShardedStatus(results.All(r => r.Running), embedded, results[0].Uri, [.. results]));
        return CommandRunner.Success;
    }

    public static async Task<int> InitAsync(CliContext context, bool drop, string? field, int depth, CancellationToken ct, bool interleave = false)
    {
        var (target, _) = await TargetAsync(context, null, ct);
        ShardLayout? layout = null;
        if (interleave)
        {
            if (field is not null)
            {
                throw new ApdbUserException("init: --shard-interleave and --shard-field are two layouts: give one");
            }

            layout = ShardLayout.Interleaved(target.Shards.Count, depth == ShardLayout.DefaultDepth ? ShardLayout.DefaultInterleaveDepth : depth);
        }
        else if (field is not null)
        {
            layout = ShardLayout.Balanced(target.Shards.Count, ParseField(field), depth);
        }
        else if (drop || depth != ShardLayout.DefaultDepth)
        {
            layout = ShardLayout.Balanced(target.Shards.Count, null, depth);
        }

        var chosen = await ShardedSchema.InitAsync(target, layout, drop, ct);
        if (context.Json)
        {
            context.WriteJson(new { shards = chosen.ShardCount, depth = chosen.Depth, interleaved = chosen.IsInterleaved, boundaries = chosen.Boundaries, coordinator = target.Coordinator is not null, dropped = drop });
        }
        else
        {
            Console.WriteLine($"sharded APDB ready: {chosen}{(target.Coordinator is null ? " (no coordinator)" : ", coordinator with postgres_fdw partitions")}");
        }

        return CommandRunner.Success;
    }

    public static async Task<HistoryLoadSummary> LoadHistoryAsync(CliContext context, string preset, int months, long seed, bool replace, CancellationToken ct)
    {
        var (target, _) = await TargetAsync(context, null, ct);
        await ShardedSchema.InitAsync(target, null, cancellationToken: ct);
        await using var apdb = await ShardedApdb.OpenAsync(target, ct);
        var layout = apdb.Layout;
        await using var load = new SharedHistoryLoad(preset, months, seed, layout.ShardCount, ct);
        var parts = await apdb.OnEveryShardAsync((i, shard) => load.LoadAsync(i, shard, PartitionOf(layout, i), replace, ct));
        var first = parts[0];
        var rows = first.Rows.Keys.ToDictionary(k => k, k => parts.Sum(p => p.Rows[k]));
        var tables = first.Tables.Keys.ToDictionary(
            k => k, k => new HistoryTableSummary(parts.Sum(p => p.Tables.TryGetValue(k, out var t) ? t.Rows : 0), parts.Max(p => p.Tables.TryGetValue(k, out var t) ? t.CopySeconds : 0)));
        var seconds = new HistoryLoadSeconds(
            parts.Max(p => p.Seconds.Generate), parts.Max(p => p.Seconds.Copy), parts.Max(p => p.Seconds.Index), parts.Max(p => p.Seconds.Total));
        return new HistoryLoadSummary(first.Preset, first.Seed, first.Months, first.AreaDeg2, first.Visits, rows, seconds, tables);
    }

    /// <summary>The rows of a history that shard <paramref name="shard"/> holds (shard 0 also holds the registry).</summary>
    internal static HistoryPartition PartitionOf(ShardLayout layout, int shard) => layout.IsInterleaved
        ? new HistoryPartition(0, ShardLayout.PixelLimit, Registry: shard == 0) { Owns = p => layout.ShardOf(p) == shard }
        : new HistoryPartition(layout.Start(shard), layout.End(shard), Registry: shard == 0);

    /// <summary><c>RA,DEC,RADIUS</c> in degrees: the field whose coarse pixels are shared out evenly.</summary>
    private static SkyCone ParseField(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 3 || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            throw new ApdbUserException($"--shard-field {UserText.Quote(text)}: expected RA,DEC,RADIUS in degrees, e.g. 150.1,2.2,0.6");
        }

        var v = parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        if (v[1] is < -90 or > 90 || !(v[2] > 0 && v[2] < 180))
        {
            throw new ApdbUserException($"--shard-field {UserText.Quote(text)}: DEC must be in [-90, 90] and RADIUS in (0, 180) degrees");
        }

        return new SkyCone(SkyPosition.FromDegrees(((v[0] % 360) + 360) % 360, v[1]), v[2]);
    }

    private static List<ServerStatus> Servers(ShardedTarget target)
    {
        var list = new List<ServerStatus>();
        if (target.Coordinator is { } c)
        {
            list.Add(new ServerStatus("coordinator", null, ApdbConnector.ToPasswordlessUri(c), true, null, null, null) { ConnectionString = c });
        }

        list.AddRange(target.Shards.Select((s, i) => new ServerStatus("shard", i, ApdbConnector.ToPasswordlessUri(s), true, null, null, null) { ConnectionString = s }));
        return list;
    }

    private static async Task<ServerStatus> ProbeAsync(ServerStatus server, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT current_setting('server_version'), pg_database_size(current_database())", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return server with { Running = true, ServerVersion = reader.GetString(0), DatabaseBytes = reader.GetInt64(1) };
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return server with { Running = false };
        }
    }

    private static void Report(CliContext context, ShardedStatus status)
    {
        if (context.Json)
        {
            context.WriteJson(status);
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("role").AddColumn("running").AddColumn("uri").AddColumn("version").AddColumn("size", c => c.RightAligned());
        foreach (var s in status.Servers)
        {
            table.AddRow(s.Index is { } i ? $"shard {i}" : s.Role, s.Running ? "yes" : "no", Markup.Escape(s.Uri ?? s.DataDir ?? "-"), Markup.Escape(s.ServerVersion ?? "-"),
                s.DatabaseBytes is { } b ? $"{b / 1048576.0:F1} MiB" : "-");
        }

        AnsiConsole.Write(table);
    }

    /// <summary><c>status</c> of a sharded APDB: <c>uri</c> is the coordinator's.</summary>
    private sealed record ShardedStatus(bool Running, bool Embedded, string? Uri, IReadOnlyList<ServerStatus> Servers);

    /// <summary>One server of the layout.</summary>
    private sealed record ServerStatus(string Role, int? Index, string? Uri, bool Running, string? ServerVersion, string? DataDir, long? DatabaseBytes)
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public string ConnectionString { get; init; } = string.Empty;
    }
}
