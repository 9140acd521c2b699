using System.CommandLine;

namespace Apdb.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static Option<string?> Db { get; } = new("--db")
    {
        Description = "Connection string or postgresql:// URI of an existing PostgreSQL server (default: env APDB_DB, else the embedded cluster)",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object on stdout instead of tables",
        Recursive = true,
    };
}
