using Apdb.Schema;
using Apdb.Tests.Support;

namespace Apdb.Tests;

/// <summary>Every column of Rubin's schema carries its description and unit as a column comment (psql's <c>\d+</c>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ColumnCommentTests(PostgresServer server)
{
    [Fact]
    public async Task Every_column_of_the_schema_tsv_has_its_description_and_unit_as_a_comment()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "comments");
        var comments = await ReadCommentsAsync(db);
        var problems = new List<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "reference", "apdb-schema-v10.tsv")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var f = line.Split('\t');
            var (table, column, unit, description) = (f[0], f[1], f.Length > 4 ? f[4] : "", f.Length > 5 ? f[5] : "");
            var expected = description + (unit.Length > 0 ? $" [{unit}]" : "");
            if (!comments.TryGetValue((table, column), out var actual) || actual != expected)
            {
                problems.Add($"{table}.{column}: '{actual}' instead of '{expected}'");
            }
        }

        Assert.Empty(problems);
        Assert.EndsWith("[nJy]", comments[("DiaSource", "psfFlux")], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Applying_the_migrations_again_keeps_the_comments_and_applies_nothing()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "comments2");
        var before = await ReadCommentsAsync(db);
        var report = await SchemaMigrator.MigrateAsync(db.DataSource);
        Assert.Empty(report.Applied);
        Assert.Equal(before, await ReadCommentsAsync(db));
        Assert.True(before.Count > 400, $"only {before.Count} comments");
    }

    private static async Task<Dictionary<(string Table, string Column), string>> ReadCommentsAsync(ApdbDatabase db)
    {
        var result = new Dictionary<(string, string), string>();
        await using var command = db.DataSource.CreateCommand(
            "SELECT c.relname, a.attname, col_description(c.oid, a.attnum) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid " +
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition " +
            "AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
        }

        return result;
    }
}
