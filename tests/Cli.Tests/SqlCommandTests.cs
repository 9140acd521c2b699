using Apdb.Embedded;
using Npgsql;

namespace Apdb.Cli.Tests;

/// <summary>
/// <c>apdb sql</c> on an embedded cluster of its own: it reads as the database's reader role and needs --write (the
/// writer role) to change rows; neither may change the schema or reach the server's programs and files.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SqlCommandTests(SqlCommandTests.Cluster cluster) : IClassFixture<SqlCommandTests.Cluster>
{
    [Fact]
    public async Task Sql_reads_as_the_reader_and_writes_only_with_write_as_the_writer()
    {
        var who = await Sql("SELECT current_user, current_setting('transaction_read_only')", "--csv");
        Assert.True(who.ExitCode == 0, who.Stderr);
        Assert.Contains("apdb_reader,on", who.Stdout, StringComparison.Ordinal);

        var refused = await Sql("INSERT INTO metadata (name, value) VALUES ('probe', 'x')");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--write", refused.Stderr, StringComparison.Ordinal);

        var written = await Sql("INSERT INTO metadata (name, value) VALUES ('probe', 'x')", "--write");
        Assert.True(written.ExitCode == 0, written.Stderr);
        var writer = await Sql("SELECT current_user", "--write", "--csv");
        Assert.Contains("apdb_writer", writer.Stdout, StringComparison.Ordinal);
        var read = await Sql("SELECT value FROM metadata WHERE name = 'probe'", "--csv");
        Assert.Equal(["value", "x"], read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        // The role's password is the command's alone.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cluster.Home, "secret-apdb_reader")));
        }
    }

    [Theory]
    [InlineData("DROP TABLE \"DiaObject\"")]
    [InlineData("COPY (SELECT 1) TO PROGRAM 'id'")]
    [InlineData("SELECT pg_read_file('/etc/passwd')")]
    [InlineData("ALTER TABLE \"DiaObject\" ADD COLUMN x int")]
    public async Task Neither_the_reader_nor_the_writer_may_change_the_schema_or_reach_the_server(string statement)
    {
        // The reader's statement runs in a read-only transaction too, which may refuse first (25006); the writer's
        // can only be refused for lack of rights (42501).
        var asReader = await Sql(statement);
        Assert.Equal(1, asReader.ExitCode);
        Assert.Matches("SQL error (42501|25006)", asReader.Stderr);

        var asWriter = await Sql(statement, "--write");
        Assert.Equal(1, asWriter.ExitCode);
        Assert.Contains("SQL error 42501", asWriter.Stderr, StringComparison.Ordinal);

        var table = await Sql("SELECT count(*) FROM \"DiaObject\"", "--csv");
        Assert.True(table.ExitCode == 0, table.Stderr);
    }

    [Fact]
    public async Task Psql_connects_as_the_reader_by_default_and_passes_its_arguments_through()
    {
        var who = await CliProcess.RunInHomeAsync(cluster.Home, "psql", "--", "-At", "-c", "SELECT current_user");
        Assert.True(who.ExitCode == 0, who.Stderr);
        Assert.Equal("apdb_reader", who.Stdout.Trim());

        var drop = await CliProcess.RunInHomeAsync(cluster.Home, "psql", "--", "-v", "ON_ERROR_STOP=1", "-c", "DROP TABLE \"DiaObject\"");
        Assert.NotEqual(0, drop.ExitCode);
        Assert.Contains("must be owner", drop.Stderr, StringComparison.Ordinal);

        var writer = await CliProcess.RunInHomeAsync(cluster.Home, "psql", "--write", "--", "-At", "-c", "SELECT current_user");
        Assert.Equal("apdb_writer", writer.Stdout.Trim());
        var both = await CliProcess.RunInHomeAsync(cluster.Home, "psql", "--write", "--admin");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("exclusive", both.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the query is empty")]
    [InlineData("   -- only a comment\n", "the query is empty")]
    [InlineData("SELECT 1; SELECT 2", "holds 2 statements")]
    [InlineData("SELECT 1; DROP TABLE \"DiaObject\"", "holds 2 statements")]
    public async Task An_empty_query_or_several_statements_are_refused_with_exit_1(string query, string message)
    {
        var result = await Sql(query);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Semicolons_in_strings_identifiers_comments_and_dollar_quotes_do_not_split_a_statement()
    {
        var result = await Sql("SELECT ';' AS \"a;b\", $x$;$x$ AS c, E'\\';' AS d /* ; */ -- ;\n;", "--csv");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["a;b,c,d", ";,;,';"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Run_on_the_embedded_cluster_stores_as_the_writer_role()
    {
        var load = await CliRunner.RunInHomeAsync(cluster.Home, "--json", "load-history", "--preset", "tiny");
        Assert.True(load.ExitCode == 0, load.Stderr);
        var before = await CountStoredAsync();

        // Without the writer's right to register a detector-visit, the run cannot store: it stores as the writer.
        await AsAdministratorAsync("REVOKE INSERT ON apdb_visit_detector FROM apdb_writer");
        var refused = await CliRunner.RunInHomeAsync(cluster.Home, "--json", "run", "--visits", "1", "--detectors", "1", "--frontend", "catalog", "--out", Path.Combine(cluster.Home, "run"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.True(refused.Stderr.Contains("permission denied", StringComparison.Ordinal), refused.Stderr);
        Assert.Equal(before, await CountStoredAsync());

        // init states the rights again, and the same run stores.
        Assert.Equal(0, (await CliRunner.RunInHomeAsync(cluster.Home, "--json", "init")).ExitCode);
        var run = await CliRunner.RunInHomeAsync(cluster.Home, "--json", "run", "--visits", "1", "--detectors", "1", "--frontend", "catalog", "--out", Path.Combine(cluster.Home, "run"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(before + 1, await CountStoredAsync());
    }

    [Fact]
    public async Task Up_with_tls_serves_encrypted_connections_that_verify_full_accepts()
    {
        var up = await CliRunner.RunInHomeAsync(cluster.Home, "--json", "up", "--tls");
        Assert.True(up.ExitCode == 0, up.Stderr);
        using var json = System.Text.Json.JsonDocument.Parse(up.Stdout);
        var tlsUri = json.RootElement.GetProperty("tlsUri").GetString()!;
        Assert.Contains("sslmode=verify-full&sslrootcert=", tlsUri, StringComparison.Ordinal);

        await using var dataSource = await ApdbConnector.ConnectAsync(tlsUri);
        await using var command = dataSource.CreateCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    private async Task<long> CountStoredAsync()
    {
        var result = await Sql("SELECT count(*) FROM apdb_visit_detector", "--csv");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return long.Parse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task AsAdministratorAsync(string sql)
    {
        var embedded = await new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = cluster.Home }).StartAsync();
        await using var connection = new NpgsqlConnection(embedded.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> Sql(params string[] args) => CliRunner.RunInHomeAsync(cluster.Home, ["sql", .. args]);

    /// <summary>One initialised embedded cluster for the class's tests.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        public string Home { get; } = Path.Combine(Path.GetTempPath(), $"apdb-sql-{Guid.NewGuid():N}"[..30]);

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Home);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Home, (UnixFileMode)0b111_101_101);
            }

            // A small cluster: the command would otherwise size shared_buffers for a real APDB.
            await new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = Home, SharedBuffers = "64MB", MaintenanceWorkMem = "64MB" }).StartAsync();
            var init = await CliRunner.RunInHomeAsync(Home, "init");
            Assert.True(init.ExitCode == 0, init.Stderr);
            Assert.Contains("roles apdb_owner, apdb_writer, apdb_reader: created", init.Stdout, StringComparison.Ordinal);
        }

        public async Task DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            var postgres = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = Home });
            await postgres.StopAsync();
            postgres.Delete();
        }
    }
}
