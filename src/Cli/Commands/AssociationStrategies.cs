using Apdb.Association;
using Apdb.Association.Sql;
using Apdb.Sky;
using Npgsql;

namespace Apdb.Cli.Commands;

/// <summary>The association strategies by command-line name, and which of them need the database.</summary>
internal static class AssociationStrategies
{
    public static IReadOnlyList<string> Names { get; } = ["brute", "memory", "sql", "q3c"];

    /// <summary>Checks a name (case-insensitive) and returns its canonical form.</summary>
    /// <exception cref="AssociationInputException">The name is not a strategy.</exception>
    public static string Parse(string name)
    {
        var canonical = name.Trim().ToLowerInvariant();
        return Names.Contains(canonical)
            ? canonical
            : throw new AssociationInputException($"unknown strategy {UserText.Quote(name)} (expected {string.Join(", ", Names)})");
    }

    public static bool NeedsDatabase(string name) => name is "sql" or "q3c";

    /// <summary>Creates the finder; the in-database ones connect through the context (embedded cluster or --db).</summary>
    public static async Task<ICandidateFinder> CreateAsync(string name, CliContext context, CancellationToken cancellationToken)
    {
        return name switch
        {
            "brute" => BruteForceCandidateFinder.Instance,
            "memory" => HealpixCandidateFinder.Instance,
            "sql" => new SqlCandidateFinder(await context.GetDataSourceAsync(cancellationToken)),
            "q3c" => await Q3cAsync(await context.GetDataSourceAsync(cancellationToken), cancellationToken),
            _ => throw new AssociationInputException($"unknown strategy '{name}'"),
        };
    }

    private static async Task<ICandidateFinder> Q3cAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!await Q3cExtension.IsAvailableAsync(dataSource, cancellationToken))
        {
            throw new AssociationInputException($"--strategy q3c needs the PostgreSQL extension q3c, which the server does not have ({Q3cExtension.InstallHint})");
        }

        return new Q3cCandidateFinder(dataSource);
    }
}
