using System.Text.RegularExpressions;

namespace Apdb.Embedded;

/// <summary>Where the PostgreSQL server programs live on this machine, and their major version.</summary>
public sealed partial class PostgresBinaries
{
    private static readonly string[] RequiredTools = ["initdb", "pg_ctl", "postgres"];

    private PostgresBinaries(string binDirectory, int majorVersion, string versionText)
    {
        BinDirectory = binDirectory;
        MajorVersion = majorVersion;
        VersionText = versionText;
    }

    /// <summary>The directory holding initdb, pg_ctl and postgres.</summary>
    public string BinDirectory { get; }

    /// <summary>The server's major version, e.g. 15.</summary>
    public int MajorVersion { get; }

    /// <summary>What <c>postgres --version</c> printed.</summary>
    public string VersionText { get; }

    /// <summary>The full path of one of the tools.</summary>
    public string Tool(string name) => Path.Combine(BinDirectory, name);

    /// <summary>
    /// Finds the server binaries: <c>APDB_PG_BINDIR</c>, then PATH, then <c>pg_config --bindir</c>, then the newest
    /// <c>/usr/lib/postgresql/*/bin</c>. Throws <see cref="ApdbUserException"/> with installation advice when none has them.
    /// </summary>
    public static async Task<PostgresBinaries> LocateAsync(CancellationToken cancellationToken = default) =>
        await LocateAsync(await CandidatesAsync(cancellationToken), cancellationToken);

    /// <summary>Looks only in the given directories.</summary>
    internal static async Task<PostgresBinaries> LocateAsync(IEnumerable<string> candidates, CancellationToken cancellationToken)
    {
        foreach (var candidate in candidates)
        {
            if (RequiredTools.All(t => File.Exists(Path.Combine(candidate, t))))
            {
                var result = await ProcessRunner.RunAsync(Path.Combine(candidate, "postgres"), ["--version"], asServerUser: false, cancellationToken);
                var match = VersionPattern().Match(result.StandardOutput);
                if (result.ExitCode == 0 && match.Success)
                {
                    return new PostgresBinaries(candidate, int.Parse(match.Groups[1].Value), result.StandardOutput.Trim());
                }
            }
        }

        throw new ApdbUserException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install them (Debian: apt-get install postgresql) " +
            "or use an existing server with --db \"Host=...;Username=...;Password=...;Database=...\" (or APDB_DB)");
    }

    private static async Task<List<string>> CandidatesAsync(CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("APDB_PG_BINDIR") is { Length: > 0 } explicitDir)
        {
            candidates.Add(explicitDir);
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            candidates.Add(dir);
        }

        try
        {
            var pgConfig = await ProcessRunner.RunAsync("pg_config", ["--bindir"], asServerUser: false, cancellationToken);
            if (pgConfig.ExitCode == 0)
            {
                candidates.Add(pgConfig.StandardOutput.Trim());
            }
        }
        catch (ApdbUserException)
        {
            // No pg_config on PATH: fall through to the Debian layout.
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            candidates.AddRange(Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin")));
        }

        return candidates;
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionPattern();
}
