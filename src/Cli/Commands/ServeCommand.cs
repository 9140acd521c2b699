using System.CommandLine;
using System.Globalization;
using Apdb.Schema;
using Apdb.Serve;
using Npgsql;

namespace Apdb.Cli.Commands;

/// <summary><c>serve [--port P] [--bind ADDRESS]</c>: the TAP service and web page over the APDB's read-only role.</summary>
internal static class ServeCommand
{
    public static void AddTo(RootCommand root)
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0: any free port)", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on; loopback unless you mean to serve other machines (0.0.0.0: every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var maxRows = new Option<long>("--max-rows") { Description = "The most rows any query may return (MAXREC is capped to it)", DefaultValueFactory = _ => 100_000 };
        var timeout = new Option<double>("--timeout") { Description = "Statement timeout of every query, seconds", DefaultValueFactory = _ => 30 };
        var report = new Option<string?>("--report") { Description = "Directory of the apdb run report the web page shows (default: the newer of artifacts/run and artifacts/demo)" };
        var command = new Command("serve", "IVOA TAP 1.1 (ADQL, VOTable, CSV) at /tap and a web page at /, reading through the APDB's read-only role")
        {
            port, bind, maxRows, timeout, report,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0 && seconds <= 3600))
            {
                return CommandRunner.Fail($"serve: --timeout {seconds.ToString(CultureInfo.InvariantCulture)} is outside (0, 3600] seconds");
            }

            if (parse.GetValue(maxRows) < 1)
            {
                return CommandRunner.Fail($"serve: --max-rows {parse.GetValue(maxRows)} must be at least 1");
            }

            var options = new ServeOptions
            {
                Bind = parse.GetValue(bind)!,
                Port = parse.GetValue(port),
                HardMaxRec = parse.GetValue(maxRows),
                DefaultMaxRec = Math.Min(10_000, parse.GetValue(maxRows)),
                StatementTimeout = TimeSpan.FromSeconds(seconds),
                ReportDirectory = parse.GetValue(report) ?? LatestReport(),
            };
            options.Validate();
            var dataSource = await context.GetDataSourceAsync(ApdbRole.Reader, ct);
            options = options with { Role = context.ExternalDb is null ? null : await ReaderRoleAsync(dataSource, ct) };
            ServeHost host;
            try
            {
                host = await ServeHost.StartAsync(context.ConnectionString!, options, ct);
            }
            catch (IOException ex)
            {
                return CommandRunner.Fail($"serve: cannot listen on {options.Bind}:{options.Port}: {ex.Message}");
            }

            await using var running = host;
            var tap = new Uri(host.Address, "tap").ToString();
            if (context.Json)
            {
                context.WriteJson(new { url = host.Address.ToString(), tap, bind = options.Bind, port = host.Address.Port });
            }
            else
            {
                Console.WriteLine($"apdb serve: TAP at {tap}, web page at {host.Address} (read-only); Ctrl-C stops");
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, host.Stopping);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: a server's normal end.
            }

            return CommandRunner.Success;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>With --db, the login acts as the APDB's reader role for every query; it must be allowed to.</summary>
    private static async Task<string> ReaderRoleAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT current_database(), current_user");
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (database, user) = (reader.GetString(0), reader.GetString(1));
        await reader.DisposeAsync();
        var role = ApdbRoles.NameFor(database, ApdbRole.Reader);
        await using var check = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1), pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = $1), 'MEMBER')");
        check.Parameters.Add(new NpgsqlParameter { Value = role });
        await using var result = await check.ExecuteReaderAsync(ct);
        await result.ReadAsync(ct);
        if (!result.GetBoolean(0))
        {
            throw new ApdbUserException($"serve: the role {role} does not exist in database {database}: run 'apdb init' first");
        }

        if (result.IsDBNull(1) || !result.GetBoolean(1))
        {
            throw new ApdbUserException($"serve: the login {user} may not act as {role}: GRANT {role} TO {user}");
        }

        return role;
    }

    private static string? LatestReport() =>
        new[] { Path.Combine("artifacts", "run"), Path.Combine("artifacts", "demo") }
            .Where(d => File.Exists(Path.Combine(d, "run.json")))
            .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, "run.json")))
            .FirstOrDefault() ?? Path.Combine("artifacts", "run");
}
