namespace Apdb.Schema;

/// <summary>
/// The SQL shipped in the assembly (the repository's <c>sql/</c> folder): numbered migrations, applied once each, and
/// functions, re-created on every init. Loading fails loudly on a missing, empty or misnumbered file.
/// </summary>
public static class SqlScripts
{
    private static readonly Lazy<IReadOnlyList<SqlScript>> All = new(Load);

    /// <summary>The migrations in order (<c>sql/migrations/NNNN_name.sql</c>).</summary>
    public static IReadOnlyList<SqlScript> Migrations => [.. All.Value.Where(s => s.Name.StartsWith("sql/migrations/", StringComparison.Ordinal))];

    /// <summary>The functions, in name order (<c>sql/functions/*.sql</c>).</summary>
    public static IReadOnlyList<SqlScript> Functions => [.. All.Value.Where(s => s.Name.StartsWith("sql/functions/", StringComparison.Ordinal))];

    /// <summary>The highest migration number this build knows.</summary>
    public static int LatestMigration => Migrations[^1].Number;

    /// <summary>One script by resource name, e.g. <c>sql/drop.sql</c>.</summary>
    public static SqlScript Get(string name) =>
        All.Value.FirstOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"embedded SQL '{name}' is missing from {typeof(SqlScripts).Assembly.GetName().Name}");

    private static List<SqlScript> Load()
    {
        var assembly = typeof(SqlScripts).Assembly;
        var scripts = new List<SqlScript>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("sql/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"embedded SQL '{name}' cannot be opened");
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd();
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new InvalidOperationException($"embedded SQL '{name}' is empty");
            }

            scripts.Add(new SqlScript(name, text));
        }

        var migrations = scripts.Where(s => s.Name.StartsWith("sql/migrations/", StringComparison.Ordinal)).ToList();
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"no migrations embedded in {assembly.GetName().Name}: the build lost sql/migrations");
        }

        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Number != i + 1)
            {
                throw new InvalidOperationException($"migration '{migrations[i].Name}' should be numbered {i + 1:D4}: migrations are numbered 0001, 0002, ... without gaps");
            }
        }

        return scripts;
    }
}
