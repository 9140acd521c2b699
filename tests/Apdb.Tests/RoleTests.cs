using Apdb.Schema;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

/// <summary>The owner, writer and reader roles that init creates, tried by logging in as each.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RoleTests(PostgresServer server) : IAsyncLifetime
{
    private const double VisitMjd = 61000.25;
    private ApdbDatabase _db = null!;
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        _db = await ApdbDatabase.CreateAsync(server, "roles");
        _database = new NpgsqlConnectionStringBuilder(_db.ConnectionString).Database!;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Init_creates_three_roles_and_the_owner_owns_every_table_and_function()
    {
        var roles = await ListAsync(
            "SELECT rolname || ':' || rolcanlogin || ':' || rolsuper FROM pg_roles WHERE rolname LIKE @p ORDER BY 1",
            ("p", _database + "\\_%"));
        Assert.Equal([$"{_database}_owner:false:false", $"{_database}_reader:false:false", $"{_database}_writer:false:false"], roles);

        var notOwned = await ListAsync(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') " +
            "AND pg_get_userbyid(c.relowner) <> @owner UNION ALL " +
            "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace AND pg_get_userbyid(p.proowner) <> @owner",
            ("owner", Role(ApdbRole.Owner)));
        Assert.Empty(notOwned);
        Assert.True(await _db.CountAsync("SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')") >= 14);
    }

    [Fact]
    public async Task As_the_reader_a_drop_a_program_a_server_file_and_a_write_are_all_refused()
    {
        await using var reader = await LoginAsync(ApdbRole.Reader);

        // Reading works, tables and the SQL functions alike.
        Assert.Equal(0L, await ScalarAsync(reader, "SELECT count(*) FROM \"DiaObjectLast\""));
        Assert.Equal(0L, await ScalarAsync(reader, "SELECT count(*) FROM dia_objects_in_cone(10, 10, 1)"));

        await AssertRefusedAsync(reader, "DROP TABLE \"DiaObject\"", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(reader, "COPY (SELECT 1) TO PROGRAM 'id'", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(reader, "SELECT pg_read_file('/etc/passwd')", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(reader, "INSERT INTO metadata (name, value) VALUES ('x', 'y')", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(reader, "DELETE FROM \"DiaSource\"", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(reader, "SELECT apdb_ensure_partitions(70000, 70001)", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(reader, "CREATE TABLE t (x int)", PostgresErrorCodes.InsufficientPrivilege);
        Assert.Equal(1L, await _db.CountAsync("SELECT count(*) FROM pg_class WHERE relname = 'DiaObject'"));
    }

    [Fact]
    public async Task The_writer_stores_a_detector_visit_in_a_new_month_but_cannot_drop_truncate_or_alter()
    {
        await using var writer = await LoginAsync(ApdbRole.Writer);
        var store = new ApdbStore(writer);
        var random = new Random(5);
        var dv = new DetectorVisit(4001, 3);
        var mjd = VisitMjd + 3000; // a month no partition exists for yet: the writer creates it through the owner's function

        var result = await store.StoreAsync(dv, mjd, [RowFactory.Object(random, 8001, 30, 30)], [RowFactory.Source(random, 18001, dv, 30, 30, mjd, 8001)], []);

        Assert.Equal(1, result.DiaSources);
        Assert.Equal(1L, await _db.CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"diaSourceId\" = 18001"));
        var partitionOwner = await ListAsync(
            "SELECT pg_get_userbyid(c.relowner) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent " +
            "WHERE p.relname = 'DiaSource' AND c.relname = @name",
            ("name", $"DiaSource_m{Math.Floor(mjd / 30)}"));
        Assert.Equal([Role(ApdbRole.Owner)], partitionOwner);

        await AssertRefusedAsync(writer, "DROP TABLE \"DiaObject\"", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(writer, "TRUNCATE \"DiaSource\"", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(writer, "ALTER TABLE \"DiaObject\" ADD COLUMN x int", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(writer, "DELETE FROM apdb_migrations", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(writer, "COPY (SELECT 1) TO PROGRAM 'id'", PostgresErrorCodes.InsufficientPrivilege);
        Assert.Equal(SqlScripts.LatestMigration, (int)await _db.CountAsync("SELECT count(*) FROM apdb_migrations"));
    }

    [Fact]
    public async Task Init_twice_is_a_no_op()
    {
        const string Rights =
            "SELECT string_agg(c.relname || '=' || coalesce(c.relacl::text, '') || '/' || pg_get_userbyid(c.relowner), ';' ORDER BY c.relname) " +
            "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')";
        const string FunctionRights =
            "SELECT string_agg(p.oid::regprocedure::text || '=' || coalesce(p.proacl::text, '') || p.prosecdef || coalesce(p.proconfig::text, ''), ';' ORDER BY 1) " +
            "FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace";
        var before = (await ListAsync(Rights)).Single() + (await ListAsync(FunctionRights)).Single();

        var again = await SchemaMigrator.MigrateAsync(_db.DataSource);

        Assert.Empty(again.Applied);
        Assert.Empty(again.Roles.Created);
        Assert.True(again.Roles.Granted, again.Roles.Skipped);
        Assert.Equal(before, (await ListAsync(Rights)).Single() + (await ListAsync(FunctionRights)).Single());
    }

    [Fact]
    public async Task Init_by_a_user_who_may_not_create_roles_works_and_says_what_it_skipped()
    {
        var plain = $"plain_{Guid.NewGuid():N}"[..20];
        var database = $"t_plain_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync();
            await ExecuteAsync(admin, $"CREATE ROLE \"{plain}\" LOGIN PASSWORD 'plain-pw'");
            await ExecuteAsync(admin, $"CREATE DATABASE \"{database}\" OWNER \"{plain}\"");
        }

        var cs = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Username = plain, Password = "plain-pw", Database = database }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(cs);

        var report = await SchemaMigrator.MigrateAsync(dataSource);

        Assert.Equal(SqlScripts.LatestMigration, report.Version);
        Assert.False(report.Roles.Granted);
        Assert.Empty(report.Roles.Created);
        Assert.Contains($"user '{plain}' may not create roles", report.Roles.Skipped, StringComparison.Ordinal);
        Assert.Contains(ApdbRoles.NameFor(database, ApdbRole.Reader), report.Roles.Skipped, StringComparison.Ordinal);
        await using var command = dataSource.CreateCommand("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'DiaObject'");
        Assert.Equal(plain, await command.ExecuteScalarAsync());

        // And the store works for that user as before.
        var random = new Random(6);
        var dv = new DetectorVisit(5001, 1);
        await new ApdbStore(dataSource).StoreAsync(dv, VisitMjd, [RowFactory.Object(random, 9001, 40, 40)], [RowFactory.Source(random, 19001, dv, 40, 40, VisitMjd, 9001)], []);
        Assert.Equal(SqlScripts.LatestMigration, (await SchemaMigrator.MigrateAsync(dataSource)).Version);
    }

    [Fact]
    public void Two_databases_never_share_a_role_even_with_names_past_the_identifier_limit()
    {
        var a = new string('a', 60) + "_one";
        var b = new string('a', 60) + "_two";

        Assert.Equal("apdb_reader", ApdbRoles.NameFor("apdb", ApdbRole.Reader));
        Assert.NotEqual(ApdbRoles.NameFor(a, ApdbRole.Reader), ApdbRoles.NameFor(b, ApdbRole.Reader));
        Assert.All(Enum.GetValues<ApdbRole>(), r => Assert.True(System.Text.Encoding.UTF8.GetByteCount(ApdbRoles.NameFor(a, r)) <= 63));
        Assert.EndsWith("_writer", ApdbRoles.NameFor(a, ApdbRole.Writer), StringComparison.Ordinal);
    }

    [Fact]
    public void The_rights_cover_every_table_the_migrations_create_and_every_shipped_function()
    {
        var tables = ApdbRoles.TableNames().ToList();
        var functions = ApdbRoles.FunctionNames().ToList();

        Assert.Contains("DiaObject", tables);
        Assert.Contains("apdb_visit_detector", tables);
        Assert.Contains("apdb_migrations", tables);
        Assert.Contains("DiaSourcePacked", tables);
        Assert.Contains("DiaForcedSourcePacked", tables);
        Assert.Equal(SqlScripts.Migrations.Sum(m => System.Text.RegularExpressions.Regex.Matches(m.Text, @"CREATE\s+TABLE\s+""?\w").Count) + 1, tables.Count);
        Assert.Contains("apdb_ensure_partitions", functions);
        Assert.Contains("light_curve", functions);
    }

    private string Role(ApdbRole role) => ApdbRoles.NameFor(_database, role);

    /// <summary>Gives the role LOGIN and a password, as the embedded cluster does, and opens a data source as it.</summary>
    private async Task<NpgsqlDataSource> LoginAsync(ApdbRole role)
    {
        var password = Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(_db.ConnectionString))
        {
            await admin.OpenAsync();
            await ExecuteAsync(admin, $"ALTER ROLE \"{Role(role)}\" LOGIN PASSWORD '{password}'");
        }

        return NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Username = Role(role), Password = password, Pooling = false }.ConnectionString);
    }

    private static async Task AssertRefusedAsync(NpgsqlDataSource dataSource, string sql, string sqlState)
    {
        await using var command = dataSource.CreateCommand(sql);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.True(error.SqlState == sqlState, $"{sql}: {error.SqlState} {error.MessageText}");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<string>> ListAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = _db.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
