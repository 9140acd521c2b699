using Apdb.Schema;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SchemaTests(PostgresServer server)
{
    // Rubin's felis datatypes as PostgreSQL reports them in information_schema.columns.data_type.
    private static readonly Dictionary<string, string[]> FelisToPostgres = new()
    {
        ["long"] = ["bigint"],
        ["double"] = ["double precision"],
        ["float"] = ["real"],
        ["int"] = ["integer"],
        ["short"] = ["smallint"],
        ["boolean"] = ["boolean"],
        ["char"] = ["character", "character varying"],
        ["string"] = ["character varying"],
        ["text"] = ["text"],
        ["timestamp"] = ["timestamp without time zone"],
    };

    private static readonly HashSet<string> PixelTables = ["DiaObject", "DiaObjectLast", "DiaSource", "DiaForcedSource"];

    [Fact]
    public async Task Every_column_of_Rubin_v10_exists_with_its_type_and_nullability()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "schema");
        var reference = ReadReference();
        var live = await ReadLiveColumnsAsync(db.DataSource);
        var problems = new List<string>();
        foreach (var (table, column, type, nullable) in reference)
        {
            if (!live.TryGetValue((table, column), out var actual))
            {
                problems.Add($"{table}.{column} is missing");
                continue;
            }

            if (!FelisToPostgres[type].Contains(actual.Type))
            {
                problems.Add($"{table}.{column} is {actual.Type}, expected {type}");
            }

            if (actual.Nullable != nullable)
            {
                problems.Add($"{table}.{column} nullable={actual.Nullable}, expected {nullable}");
            }
        }

        var expected = reference.Select(r => (r.Table, r.Column)).ToHashSet();
        foreach (var (key, _) in live)
        {
            if (!expected.Contains(key) && !(key.Column == "pixelId" && PixelTables.Contains(key.Table)))
            {
                problems.Add($"{key.Table}.{key.Column} is not in Rubin's schema");
            }
        }

        Assert.True(reference.Count > 400, $"the reference lists only {reference.Count} columns");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Band_is_one_character_and_pixelId_is_a_not_null_bigint()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "band");
        await using var command = db.DataSource.CreateCommand(
            "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns " +
            "WHERE table_schema = current_schema() AND (column_name = 'band' OR column_name = 'pixelId') ORDER BY 1, 2");
        await using var reader = await command.ExecuteReaderAsync();
        var seen = 0;
        while (await reader.ReadAsync())
        {
            var column = reader.GetString(1);
            if (column == "band")
            {
                Assert.Equal("character", reader.GetString(2));
                Assert.Equal(1, reader.GetInt32(3));
            }
            else
            {
                Assert.Equal("bigint", reader.GetString(2));
                Assert.Equal("NO", reader.GetString(4));
            }

            seen++;
        }

        // band in DiaSource and DiaObject; pixelId in the four spatial tables and the two packed companions.
        Assert.Equal(2 + 4 + 2, seen);
    }

    [Fact]
    public async Task Primary_keys_and_pixel_indexes_exist()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "keys");
        var keys = new Dictionary<string, string>();
        await using (var command = db.DataSource.CreateCommand(
            "SELECT c.conrelid::regclass::text, pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.contype = 'p' AND c.connamespace = current_schema()::regnamespace"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys[reader.GetString(0).Trim('"')] = reader.GetString(1);
            }
        }

        Assert.Equal("PRIMARY KEY (\"diaObjectId\", \"validityStartMjdTai\")", keys["DiaObject"]);
        Assert.Equal("PRIMARY KEY (\"diaObjectId\")", keys["DiaObjectLast"]);
        Assert.Equal("PRIMARY KEY (\"diaSourceId\", \"midpointMjdTai\")", keys["DiaSource"]);
        Assert.Equal("PRIMARY KEY (\"diaObjectId\", visit, detector, \"midpointMjdTai\")", keys["DiaForcedSource"]);
        Assert.Equal("PRIMARY KEY (name)", keys["metadata"]);

        await using var indexes = db.DataSource.CreateCommand(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE '%(\"pixelId\")%' AND tablename IN ('DiaObject', 'DiaObjectLast', 'DiaSource', 'DiaForcedSource')");
        Assert.Equal(4L, (long)(await indexes.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_diaObjectId_index_carries_every_column_the_stores_summary_reload_reads()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "sumindex");
        var columns = await db.IndexColumnsAsync("IDX_DiaSource_diaObjectId");
        var key = columns.Where(c => c.Key).Select(c => c.Name).ToList();
        var all = columns.Select(c => c.Name).ToList();

        // Rubin's key, so every query by diaObjectId uses it as before; the other columns ride along for index-only scans.
        Assert.Equal(["diaObjectId"], key);
        Assert.Equal(ApdbStore.SummaryColumns.Order(), all.Order());
    }

    [Fact]
    public async Task Applying_the_migrations_twice_changes_nothing()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "twice", migrate: false);
        var first = await SchemaMigrator.MigrateAsync(db.DataSource);
        var before = await ReadLiveColumnsAsync(db.DataSource);
        var second = await SchemaMigrator.MigrateAsync(db.DataSource);
        var after = await ReadLiveColumnsAsync(db.DataSource);

        Assert.Equal(SqlScripts.Migrations.Count, first.Applied.Count);
        Assert.Empty(second.Applied);
        Assert.Equal(before.OrderBy(k => k.Key).ToList(), after.OrderBy(k => k.Key).ToList());
        Assert.Equal(SqlScripts.Migrations.Count, await db.CountAsync("SELECT count(*) FROM apdb_migrations"));
        Assert.Equal("10.0.0", await ScalarAsync(db, "SELECT value FROM metadata WHERE name = 'version:schema'"));
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_is_refused()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "newer");
        await using (var command = db.DataSource.CreateCommand("INSERT INTO apdb_migrations (id, name, checksum) VALUES (9999, '9999_future.sql', 'x')"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => SchemaMigrator.MigrateAsync(db.DataSource));
        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_whose_metadata_names_another_schema_version_is_refused()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "version");
        await using (var command = db.DataSource.CreateCommand("UPDATE metadata SET value = '7.1.0' WHERE name = 'version:schema'"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => SchemaMigrator.MigrateAsync(db.DataSource));
        Assert.Contains("7.1.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreign_DiaObject_table_is_not_taken_over()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "foreign", migrate: false);
        await using (var command = db.DataSource.CreateCommand("CREATE TABLE \"DiaObject\" (id bigint)"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => SchemaMigrator.MigrateAsync(db.DataSource));
        Assert.Contains("did not create", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'apdb_migrations'"));
    }

    [Fact]
    public async Task Drop_removes_the_data_and_recreates_the_schema()
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "drop");
        await using (var command = db.DataSource.CreateCommand("INSERT INTO metadata (name, value) VALUES ('test:marker', 'x')"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var report = await SchemaMigrator.MigrateAsync(db.DataSource, drop: true);

        Assert.True(report.Dropped);
        Assert.Equal(SqlScripts.Migrations.Count, report.Applied.Count);
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM metadata WHERE name = 'test:marker'"));
    }

    [Fact]
    public void Every_migration_is_embedded_in_order()
    {
        var numbers = SqlScripts.Migrations.Select(m => m.Number).ToArray();
        Assert.Equal(Enumerable.Range(1, numbers.Length), numbers);
        Assert.Contains(SqlScripts.Migrations, m => m.Name.EndsWith("_DiaSource.sql", StringComparison.Ordinal));
        Assert.NotEmpty(SqlScripts.Functions);
    }

    private static async Task<object?> ScalarAsync(ApdbDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    internal static List<(string Table, string Column, string Type, bool Nullable)> ReadReference()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "apdb-schema-v10.tsv");
        return [.. File.ReadAllLines(path)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(f => (f[0], f[1], f[2], f[3] == "true"))];
    }

    private static async Task<Dictionary<(string Table, string Column), (string Type, bool Nullable)>> ReadLiveColumnsAsync(NpgsqlDataSource dataSource)
    {
        var result = new Dictionary<(string, string), (string, bool)>();
        await using var command = dataSource.CreateCommand(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable FROM information_schema.columns c " +
            "JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = current_schema()::regnamespace " +
            "WHERE c.table_schema = current_schema() AND NOT k.relispartition AND c.table_name NOT LIKE 'apdb\\_%' " +
            "AND c.table_name NOT IN ('DiaSourcePacked', 'DiaForcedSourcePacked')"); // ours, checked by PackedRowTests
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetString(3) == "YES");
        }

        return result;
    }
}
