using Apdb.TestSupport;

namespace Apdb.Serve.Tests;

/// <summary>A fact that needs an outside peer (pyvo, STILTS, chromium): skipped when it is missing, unless APDB_REQUIRE_ORACLES=1.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PeerFactAttribute : FactAttribute
{
    public PeerFactAttribute(string peer)
    {
        if (Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") != "1" && Peers.Missing(peer) is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>Where the peers are and why one is missing.</summary>
public static class Peers
{
    public const string Pyvo = "pyvo";
    public const string Stilts = "stilts";
    public const string Chromium = "chromium";

    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly Lazy<string?> PyvoPython = new(() => PythonInterpreter.Find("pyvo"));

    public static string? Python => PyvoPython.Value;

    public static string? StiltsPath => new[] { "/usr/bin/stilts", "/usr/local/bin/stilts" }.FirstOrDefault(File.Exists);

    public static string? Missing(string peer) => peer switch
    {
        Pyvo => Python is null ? "python3 with pyvo not found (apt-get install python3-pyvo)" : null,
        Stilts => StiltsPath is null ? "stilts not found (apt-get install stilts)" : null,
        Chromium => File.Exists(ChromiumPath) ? null : "chromium not found (apt-get install chromium)",
        _ => $"unknown peer {peer}",
    };
}
