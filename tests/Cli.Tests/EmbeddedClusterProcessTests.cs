using System.Diagnostics;
using System.Text.Json;

namespace Apdb.Cli.Tests;

/// <summary>
/// The real command, as a separate process, on a cluster of its own: up, status (the URI works with psql), down.
/// When the suite runs as root the command runs as the unprivileged user 'nobody', so both ways of running the
/// embedded server (as root, through 'postgres'; and as an ordinary user) are exercised.
/// </summary>
public sealed class EmbeddedClusterProcessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"apdb-proc-{Guid.NewGuid():N}"[..30]);

    public EmbeddedClusterProcessTests()
    {
        Directory.CreateDirectory(_dir);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, (UnixFileMode)0b111_111_111);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    [Fact]
    public void Up_status_and_down_work_for_an_unprivileged_user()
    {
        var up = Run("--json", "up");
        Assert.True(up.ExitCode == 0, up.StdErr);
        using var upJson = JsonDocument.Parse(up.StdOut);
        Assert.True(upJson.RootElement.GetProperty("running").GetBoolean());

        var status = Run("--json", "status");
        Assert.True(status.ExitCode == 0, status.StdErr);
        using var json = JsonDocument.Parse(status.StdOut);
        var uri = json.RootElement.GetProperty("uri").GetString()!;
        Assert.StartsWith("postgresql://", uri, StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("embedded").GetBoolean());
        Assert.StartsWith(_dir, json.RootElement.GetProperty("dataDir").GetString()!, StringComparison.Ordinal);

        // The server runs as the unprivileged user, never as root.
        var pid = File.ReadAllLines(Path.Combine(_dir, "home", "pgdata", "postmaster.pid"))[0];
        var owner = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        Assert.DoesNotContain("\t0\t", owner, StringComparison.Ordinal);

        var psql = FindPsql();
        if (psql is not null)
        {
            var query = Exec(psql, null, "-X", "-A", "-t", "-c", "SELECT current_user", uri);
            Assert.True(query.ExitCode == 0, query.StdErr);
            Assert.Equal("apdb", query.StdOut.Trim());
        }

        var down = Run("down");
        Assert.True(down.ExitCode == 0, down.StdErr);
        var after = Run("--json", "status");
        using var afterJson = JsonDocument.Parse(after.StdOut);
        Assert.False(afterJson.RootElement.GetProperty("running").GetBoolean());
    }

    public void Dispose()
    {
        Run("down");
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private (int ExitCode, string StdOut, string StdErr) Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Apdb.Cli.dll");
        var env = new Dictionary<string, string> { ["APDB_HOME"] = Path.Combine(_dir, "home"), ["HOME"] = _dir, ["DOTNET_CLI_HOME"] = _dir };
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return IsRoot
            ? Exec("runuser", env, ["-u", "nobody", "--", "env", .. env.Select(kv => $"{kv.Key}={kv.Value}"), dotnet, dll, .. args])
            : Exec(dotnet, env, [dll, .. args]);
    }

    private static (int ExitCode, string StdOut, string StdErr) Exec(string file, Dictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? [])
        {
            start.Environment[k] = v;
        }

        start.Environment.Remove("APDB_DB");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 3 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? FindPsql() =>
        new[] { "/usr/bin/psql" }.Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "psql")) : [])
            .FirstOrDefault(File.Exists);
}
