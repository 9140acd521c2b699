using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Apdb.Schema;
using Apdb.Sky;
using Npgsql;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary><c>up</c>, <c>down</c>, <c>status</c>, <c>init</c>, <c>sql</c>, <c>psql</c>.</summary>
internal static class DatabaseCommands
{
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(Up());
        root.Subcommands.Add(Down());
        root.Subcommands.Add(Status());
        root.Subcommands.Add(Init());
        root.Subcommands.Add(Sql());
        root.Subcommands.Add(Psql());
    }

    private static Command Up()
    {
        var tls = new Option<bool>("--tls") { Description = "Also accept TLS connections, with a self-signed certificate made on first use (kept on after restarts)" };
        var shards = new Option<int?>("--shards") { Description = "Start N embedded shard clusters and a coordinator instead (a sharded APDB on loopback)" };
        var command = new Command("up", "Start the embedded PostgreSQL cluster (create it on first use)") { tls, shards };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            if (context.ExternalDb is not null)
            {
                return CommandRunner.Fail("up manages the embedded cluster; with --db / APDB_DB the server is yours to start");
            }

            if (parse.GetValue(shards) is { } shardCount)
            {
                return await ShardedCommands.UpAsync(context, shardCount, ct);
            }

            var rootCertificate = parse.GetValue(tls) ? await CliContext.Embedded().EnableTlsAsync(ct) : null;
            await context.GetDataSourceAsync(ct);
            var cluster = context.Cluster!;
            var verifyFull = rootCertificate is null ? null : $"{cluster.Uri}?sslmode=verify-full&sslrootcert={Uri.EscapeDataString(rootCertificate)}";
            if (context.Json)
            {
                context.WriteJson(new { running = true, embedded = true, uri = cluster.Uri, dataDir = cluster.DataDirectory, port = cluster.Port, tlsRootCertificate = rootCertificate, tlsUri = verifyFull });
            }
            else
            {
                Console.WriteLine($"embedded PostgreSQL running on {cluster.Host}:{cluster.Port} (data {cluster.DataDirectory})");
                Console.WriteLine($"connect: psql \"{verifyFull ?? cluster.Uri}\"   or   apdb psql");
            }

            return CommandRunner.Success;
        });
        return command;
    }

    private static Command Down()
    {
        var command = new Command("down", "Stop the embedded PostgreSQL cluster");
        CommandRunner.SetAction(command, async (_, context, ct) =>
        {
            if (context.ExternalDb is not null)
            {
                return CommandRunner.Fail("down manages the embedded cluster; with --db / APDB_DB the server is yours to stop");
            }

            if (ShardedCommands.IsSharded(context))
            {
                return await ShardedCommands.DownAsync(context, ct);
            }

            var embedded = CliContext.Embedded();
            var wasRunning = await embedded.StopAsync(ct);
            if (context.Json)
            {
                context.WriteJson(new { stopped = wasRunning, running = false, embedded = true, dataDir = embedded.DataDirectory });
            }
            else
            {
                Console.WriteLine(wasRunning ? $"embedded PostgreSQL stopped ({embedded.DataDirectory})" : "embedded PostgreSQL was not running");
            }

            return CommandRunner.Success;
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "Report the APDB server: running or not, URI, version, data directory, database size");
        CommandRunner.SetAction(command, async (_, context, ct) =>
        {
            if (ShardedCommands.IsSharded(context))
            {
                return await ShardedCommands.StatusAsync(context, ct);
            }

            var embedded = context.ExternalDb is null;
            string? uri = null;
            string? connectionString = null;
            string? dataDir = null;
            if (embedded)
            {
                var handle = CliContext.Embedded();
                dataDir = handle.DataDirectory;
                var cluster = await handle.TryAttachAsync(ct);
                if (cluster is null)
                {
                    Report(context, new StatusReport(false, true, null, null, null, dataDir, null, null));
                    return CommandRunner.Success;
                }

                uri = cluster.Uri;
                connectionString = cluster.ConnectionString;
            }

            var dataSource = embedded
                ? await ApdbConnector.ConnectAsync(connectionString!, ct)
                : await context.GetDataSourceAsync(ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var version = (string?)await new NpgsqlCommand("SHOW server_version", connection).ExecuteScalarAsync(ct);
            var size = (long?)await new NpgsqlCommand("SELECT pg_database_size(current_database())", connection).ExecuteScalarAsync(ct);
            if (!embedded)
            {
                connectionString = context.ConnectionString;
                uri = ApdbConnector.ToPasswordlessUri(connectionString!);
                try
                {
                    dataDir = (string?)await new NpgsqlCommand("SHOW data_directory", connection).ExecuteScalarAsync(ct);
                }
                catch (PostgresException)
                {
                    // Only superusers and pg_read_all_settings may see it.
                }
            }

            var schema = await SchemaMigrator.GetVersionAsync(dataSource, ct);
            if (embedded)
            {
                await dataSource.DisposeAsync();
            }

            Report(context, new StatusReport(true, embedded, uri, connectionString, version, dataDir, size, schema));
            return CommandRunner.Success;
        });
        return command;
    }

    private static void Report(CliContext context, StatusReport report)
    {
        if (context.Json)
        {
            context.WriteJson(report);
            return;
        }

        if (!report.Running)
        {
            // A stopped cluster has no version, size or schema to show: say so plainly instead of a table of dashes.
            Console.WriteLine($"stopped: the embedded PostgreSQL cluster is not running ({report.DataDir}); `apdb up` or any command that needs it starts it");
            return;
        }

        var table = new Table().AddColumn("property").AddColumn("value").HideHeaders().Border(TableBorder.Rounded);
        table.AddRow("running", "yes");
        table.AddRow("embedded", report.Embedded ? "yes" : "no");
        table.AddRow("uri", Markup.Escape(report.Uri ?? "-"));
        table.AddRow("server version", Markup.Escape(report.ServerVersion ?? "-"));
        table.AddRow("data directory", Markup.Escape(report.DataDir ?? "-"));
        table.AddRow("database size", report.DatabaseBytes is { } b ? $"{b / 1048576.0:F1} MiB" : "-");
        table.AddRow("schema migration", report.SchemaMigration?.ToString(CultureInfo.InvariantCulture) ?? "none (run apdb init)");
        AnsiConsole.Write(table);
    }

    private static Command Init()
    {
        var drop = new Option<bool>("--drop") { Description = "Drop every APDB table and function first (deletes the data)" };
        var field = new Option<string?>("--shard-field") { Description = "Sharded APDB: RA,DEC,RADIUS (degrees) of the field whose coarse pixels are shared out evenly (default: the whole sky)" };
        var depth = new Option<int>("--shard-depth") { Description = "Sharded APDB: HEALPix depth the shard cuts are aligned to", DefaultValueFactory = _ => Sharded.ShardLayout.DefaultDepth };
        var interleave = new Option<bool>("--shard-interleave") { Description = "Sharded APDB: deal the depth-D pixels round-robin over the shards (D = --shard-depth, 7 unless given), so every field spans every shard" };
        var command = new Command("init", "Create or upgrade the APDB schema (idempotent)") { drop, field, depth, interleave };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            if (ShardedCommands.IsSharded(context))
            {
                return await ShardedCommands.InitAsync(context, parse.GetValue(drop), parse.GetValue(field), parse.GetValue(depth), ct, parse.GetValue(interleave));
            }

            if (parse.GetValue(field) is not null || parse.GetValue(interleave))
            {
                return CommandRunner.Fail("init: --shard-field and --shard-interleave apply to a sharded APDB (apdb up --shards N, or a sharded --db)");
            }

            var dataSource = await context.GetDataSourceAsync(ct);
            var report = await SchemaMigrator.MigrateAsync(dataSource, parse.GetValue(drop), ct);
            var roles = report.Roles;
            if (context.Json)
            {
                context.WriteJson(new
                {
                    applied = report.Applied, version = report.Version, dropped = report.Dropped, schemaVersion = SchemaMigrator.RubinSchemaVersion,
                    roles = new { created = roles.Created, granted = roles.Granted, skipped = roles.Skipped },
                });
            }
            else
            {
                Console.WriteLine(report.Applied.Count == 0
                    ? $"APDB schema is current (migration {report.Version}, Rubin schema {SchemaMigrator.RubinSchemaVersion})"
                    : $"applied {report.Applied.Count} migration(s), now at {report.Version} (Rubin schema {SchemaMigrator.RubinSchemaVersion})");
                var database = new NpgsqlConnectionStringBuilder(context.ConnectionString).Database ?? string.Empty;
                var names = string.Join(", ", Enum.GetValues<ApdbRole>().Select(r => ApdbRoles.NameFor(database, r)));
                Console.WriteLine(roles.Granted
                    ? $"roles {names}: {(roles.Created.Count == 0 ? "in place" : $"created {string.Join(", ", roles.Created)}")}, rights granted"
                    : $"roles skipped: {roles.Skipped}");
            }

            return CommandRunner.Success;
        });
        return command;
    }

    private static Command Sql()
    {
        var query = new Argument<string>("query") { Description = "One SQL statement" };
        var csv = new Option<bool>("--csv") { Description = "Print the result as CSV (same as --format csv)" };
        var format = new Option<string?>("--format") { Description = "table or csv (default: a table on a terminal, CSV when stdout is a pipe or a file)" };
        var write = new Option<bool>("--write") { Description = "Allow a statement that changes data (runs as the writer role instead of the read-only reader)" };
        var command = new Command("sql", "Run one SQL statement against the APDB as the read-only role and print the result") { query, csv, format, write };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var text = parse.GetValue(query) ?? string.Empty;
            var asCsv = parse.GetValue(format) switch
            {
                null => parse.GetValue(csv) || Console.IsOutputRedirected,
                "csv" => true,
                "table" when parse.GetValue(csv) => throw new ApdbUserException("sql: --csv and --format table disagree: give one"),
                "table" => false,
                var other => throw new ApdbUserException($"sql: --format {UserText.Quote(other)} is not table or csv"),
            };
            var statements = SqlStatements.Count(text);
            if (statements == 0)
            {
                return CommandRunner.Fail("sql: the query is empty: give one SQL statement, e.g. apdb sql 'SELECT count(*) FROM \"DiaObjectLast\"'");
            }

            if (statements > 1)
            {
                return CommandRunner.Fail($"sql: the query holds {statements} statements; apdb sql runs one at a time (use one call per statement, or apdb psql for a script)");
            }

            var writing = parse.GetValue(write);
            var dataSource = await context.GetDataSourceAsync(writing ? ApdbRole.Writer : ApdbRole.Reader, ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            if (!writing)
            {
                // The reader role is the boundary on the embedded cluster; a read-only transaction also guards a --db
                // user who could write, and stops temporary tables and sequence calls.
                await using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
                await readOnly.ExecuteNonQueryAsync(ct);
            }

            await using var command = new NpgsqlCommand(text, connection, transaction);
            NpgsqlDataReader reader;
            try
            {
                reader = await command.ExecuteReaderAsync(ct);
            }
            catch (PostgresException ex)
            {
                var hint = (writing, ex.SqlState) switch
                {
                    (false, PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ReadOnlySqlTransaction) =>
                        " (apdb sql reads as the read-only role; add --write to change data)",
                    (true, PostgresErrorCodes.InsufficientPrivilege) =>
                        " (--write runs as the writer role, which changes rows but not the schema; use apdb psql as the administrator)",
                    _ => string.Empty,
                };
                return CommandRunner.Fail($"SQL error {ex.SqlState}: {ex.MessageText}{(ex.Position > 0 ? $" (at character {ex.Position})" : string.Empty)}{hint}");
            }

            await using (reader)
            {
                await SqlOutput.WriteAsync(reader, context, asCsv, ct);
            }

            await transaction.CommitAsync(ct);
            return CommandRunner.Success;
        });
        return command;
    }

    private static Command Psql()
    {
        var write = new Option<bool>("--write") { Description = "Connect as the writer role (changes rows, not the schema)" };
        var admin = new Option<bool>("--admin") { Description = "Connect as the embedded cluster's administrator (superuser)" };
        var passThrough = new Argument<string[]>("psql-arguments") { Description = "Passed to psql as they are (after --), e.g. apdb psql -- -c 'SELECT 1'", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("psql", "Open psql on the APDB as the read-only role (--write: the writer; --admin: the administrator)") { write, admin, passThrough };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            if (parse.GetValue(write) && parse.GetValue(admin))
            {
                return CommandRunner.Fail("psql: --write and --admin are exclusive: choose one role");
            }

            var role = parse.GetValue(admin) ? (ApdbRole?)null : parse.GetValue(write) ? ApdbRole.Writer : ApdbRole.Reader;
            _ = role is { } r ? await context.GetDataSourceAsync(r, ct) : await context.GetDataSourceAsync(ct);
            var b = new NpgsqlConnectionStringBuilder(context.ConnectionString);
            var psql = FindPsql();
            var start = new ProcessStartInfo(psql) { UseShellExecute = false };
            start.ArgumentList.Add("--host");
            start.ArgumentList.Add(b.Host ?? "localhost");
            start.ArgumentList.Add("--port");
            start.ArgumentList.Add(b.Port.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("--username");
            start.ArgumentList.Add(b.Username ?? string.Empty);
            start.ArgumentList.Add("--dbname");
            start.ArgumentList.Add(b.Database ?? string.Empty);
            foreach (var argument in parse.GetValue(passThrough) ?? [])
            {
                start.ArgumentList.Add(argument);
            }

            if (b.Password is { Length: > 0 } password)
            {
                start.Environment["PGPASSWORD"] = password;
            }

            if (b.SslMode is not SslMode.Disable and not SslMode.Prefer)
            {
                start.Environment["PGSSLMODE"] = b.SslMode switch
                {
                    SslMode.Allow => "allow",
                    SslMode.Require => "require",
                    SslMode.VerifyCA => "verify-ca",
                    _ => "verify-full",
                };
            }

            if (b.RootCertificate is { Length: > 0 } rootCertificate)
            {
                start.Environment["PGSSLROOTCERT"] = rootCertificate;
            }

            using var process = Process.Start(start) ?? throw new ApdbUserException($"cannot start {psql}");
            await process.WaitForExitAsync(ct);
            return process.ExitCode;
        });
        return command;
    }

    private static string FindPsql()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
                     .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Order().Reverse().Select(d => Path.Combine(d, "bin")) : []))
        {
            var path = Path.Combine(dir, "psql");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new ApdbUserException("psql not found: install the PostgreSQL client (Debian: apt-get install postgresql-client), or use 'apdb sql'");
    }

    private sealed record StatusReport(
        bool Running, bool Embedded, string? Uri, string? ConnectionString, string? ServerVersion, string? DataDir, long? DatabaseBytes, int? SchemaMigration);
}
