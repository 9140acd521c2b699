using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Apdb.Embedded;

/// <summary>
/// A PostgreSQL cluster the tool runs itself from the machine's server binaries: created on first use under
/// <see cref="EmbeddedPostgresOptions.Home"/>, listening on loopback on a free port with SCRAM authentication and a
/// generated secret, reused while it runs, restarted after a crash (a stale pid file is recovered).
/// </summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>The operating-system user the server runs as when this process is root.</summary>
    public const string ServerUser = "postgres";

    /// <summary>The cluster superuser that owns the APDB.</summary>
    public const string DatabaseUser = "apdb";

    private const string Loopback = "127.0.0.1";
    private readonly EmbeddedPostgresOptions _options;

    /// <summary>Creates a handle on the cluster at <paramref name="options"/>.Home; nothing is started yet.</summary>
    public EmbeddedPostgres(EmbeddedPostgresOptions? options = null)
    {
        _options = options ?? new EmbeddedPostgresOptions();
    }

    /// <summary>The cluster's home directory.</summary>
    public string Home => _options.Home;

    /// <summary>The PostgreSQL data directory.</summary>
    public string DataDirectory => Path.Combine(Home, "pgdata");

    private string SecretPath => Path.Combine(Home, "secret");

    private string PortPath => Path.Combine(Home, "port");

    private string PidFile => Path.Combine(DataDirectory, "postmaster.pid");

    /// <summary>
    /// <c>$APDB_HOME</c>; else, for root, <c>/var/lib/apdb</c> (the server runs as <c>postgres</c>, which cannot enter
    /// <c>/root</c>); else <c>$XDG_DATA_HOME/apdb</c> or <c>~/.local/share/apdb</c>.
    /// </summary>
    public static string DefaultHome()
    {
        if (Environment.GetEnvironmentVariable("APDB_HOME") is { Length: > 0 } home)
        {
            return Path.GetFullPath(home);
        }

        if (ProcessRunner.IsRoot)
        {
            return "/var/lib/apdb";
        }

        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(data))
        {
            data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(data, "apdb");
    }

    /// <summary>Whether the cluster has been created.</summary>
    public bool IsInitialized => File.Exists(Path.Combine(DataDirectory, "PG_VERSION")) && File.Exists(SecretPath);

    /// <summary>Starts the cluster (creating it first if needed) or attaches to it if it already runs.</summary>
    public async Task<EmbeddedCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        CheckHomeIsStartable();
        Directory.CreateDirectory(Home);
        using var gate = await AcquireLockAsync(cancellationToken);
        var binaries = await PostgresBinaries.LocateAsync(cancellationToken);
        if (!IsInitialized)
        {
            await InitializeAsync(binaries, cancellationToken);
        }

        var password = (await File.ReadAllTextAsync(SecretPath, cancellationToken)).Trim();
        var running = ReadRunningServer();
        if (running is null)
        {
            var port = ChoosePort();
            await File.WriteAllTextAsync(PortPath, port.ToString(CultureInfo.InvariantCulture), cancellationToken);
            var logPath = Path.Combine(DataDirectory, "server.log");
            var result = await ProcessRunner.RunAsync(
                binaries.Tool("pg_ctl"),
                ["-D", DataDirectory, "-l", logPath, "-w", "-t", "120", "-o", ServerOptions(port), "start"],
                asServerUser: true,
                cancellationToken);
            if (result.ExitCode != 0)
            {
                var logTail = TryReadLogTail(logPath);
                throw new ApdbUserException($"embedded PostgreSQL in {DataDirectory} did not start: {result.LastLine()}{logTail}");
            }

            running = ReadRunningServer() ?? throw new InvalidOperationException($"PostgreSQL started but {PidFile} is missing");
        }

        var cluster = new EmbeddedCluster(Loopback, running.Value.Port, DatabaseUser, password, _options.Database, DataDirectory, running.Value.Pid);
        await EnsureDatabaseAsync(cluster, cancellationToken);
        return cluster;
    }

    /// <summary>
    /// The server options pg_ctl passes on. pg_ctl runs the server through <c>/bin/sh -c</c> with this string pasted in,
    /// so the socket directory (a path that may hold spaces or quotes) is single-quoted for the shell; inside, it is
    /// double-quoted for the server, which reads <c>unix_socket_directories</c> as a comma-separated list.
    /// </summary>
    private string ServerOptions(int port) =>
        string.Create(CultureInfo.InvariantCulture, $"-p {port} -c listen_addresses={Loopback} -k {ShellQuote($"\"{DataDirectory}\"")}");

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// pg_ctl writes the data directory and log path into that shell command between double quotes, where these
    /// characters keep a meaning; such a home cannot be started, so it is refused before anything is created.
    /// </summary>
    private void CheckHomeIsStartable()
    {
        if (Home.IndexOfAny(['"', '\\', '$', '`']) >= 0)
        {
            throw new ApdbUserException($"APDB home {Home}: pg_ctl cannot start a server in a path containing \", \\, $ or `; choose another APDB_HOME");
        }
    }

    /// <summary>Stops the cluster if it runs. Returns whether it was running.</summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(DataDirectory) || ReadRunningServer() is null)
        {
            return false;
        }

        var binaries = await PostgresBinaries.LocateAsync(cancellationToken);
        var result = await ProcessRunner.RunAsync(binaries.Tool("pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "120", "stop"], asServerUser: true, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new ApdbUserException($"embedded PostgreSQL in {DataDirectory} did not stop: {result.LastLine()}");
        }

        return true;
    }

    /// <summary>The running cluster, or null when it is not running (nothing is started).</summary>
    public async Task<EmbeddedCluster?> TryAttachAsync(CancellationToken cancellationToken = default)
    {
        if (!IsInitialized || ReadRunningServer() is not { } running)
        {
            return null;
        }

        var password = (await File.ReadAllTextAsync(SecretPath, cancellationToken)).Trim();
        return new EmbeddedCluster(Loopback, running.Port, DatabaseUser, password, _options.Database, DataDirectory, running.Pid);
    }

    /// <summary>Deletes the cluster's files. The cluster must be stopped first.</summary>
    public void Delete()
    {
        if (ReadRunningServer() is not null)
        {
            throw new ApdbUserException($"embedded PostgreSQL in {DataDirectory} is running: stop it first (apdb down)");
        }

        if (Directory.Exists(Home))
        {
            Directory.Delete(Home, recursive: true);
        }
    }

    private async Task InitializeAsync(PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        if (ProcessRunner.IsRoot)
        {
            EnsureServerUserCanReach(Home);
        }

        if (Directory.Exists(DataDirectory))
        {
            // A half-made cluster from an interrupted first start: initdb needs an empty directory.
            Directory.Delete(DataDirectory, recursive: true);
        }

        Directory.CreateDirectory(DataDirectory);
        SetMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var pwFile = Path.Combine(Home, ".initdb-pw");
        await SecretFile.WriteAsync(pwFile, password, cancellationToken);
        try
        {
            if (ProcessRunner.IsRoot)
            {
                await ChownToServerUserAsync(DataDirectory, cancellationToken);
                await ChownToServerUserAsync(pwFile, cancellationToken);
            }

            var result = await ProcessRunner.RunAsync(
                binaries.Tool("initdb"),
                ["-D", DataDirectory, "-U", DatabaseUser, "--pwfile", pwFile, "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                 "--encoding=UTF8", "--locale=C", "--no-instructions"],
                asServerUser: true,
                cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new ApdbUserException($"initdb failed for {DataDirectory}: {result.LastLine()}");
            }
        }
        finally
        {
            File.Delete(pwFile);
        }

        var settings = string.Join('\n',
            "# Written by apdb: sized for bulk loads and many detector workers. Durability stays on.",
            $"shared_buffers = '{_options.SharedBuffers}'",
            $"maintenance_work_mem = '{_options.MaintenanceWorkMem}'",
            $"max_connections = {_options.MaxConnections}",
            "work_mem = '64MB'",
            "effective_cache_size = '12GB'",
            "max_wal_size = '16GB'",
            "min_wal_size = '1GB'",
            "checkpoint_timeout = '15min'",
            "checkpoint_completion_target = 0.9",
            $"wal_compression = {await WalCompressionAsync(binaries, cancellationToken)}",
            // No replication or archiving from a local APDB: tables filled in the transaction that created or
            // truncated them (history loads, index builds) then skip the WAL. Crash safety is unchanged.
            "wal_level = minimal",
            "max_wal_senders = 0",
            "wal_buffers = '64MB'",
            "random_page_cost = 1.1",
            "effective_io_concurrency = 200",
            "max_parallel_maintenance_workers = 2",
            "jit = off",
            "log_min_messages = warning",
            "log_checkpoints = off",
            string.Empty);
        var conf = Path.Combine(DataDirectory, "postgresql.conf");
        await File.AppendAllTextAsync(conf, "\n" + settings, cancellationToken);
        if (ProcessRunner.IsRoot)
        {
            await ChownToServerUserAsync(conf, cancellationToken);
        }

        // The secret is the last file written: its presence marks a complete initialisation.
        await SecretFile.WriteAsync(SecretPath, password, cancellationToken);
    }

    /// <summary>
    /// lz4 when this server was built with it, else pglz (<c>on</c>). Full-page images dominate the store's WAL: each
    /// DiaObject version lands on a random heap page and three random index pages, and the first change to a page after
    /// a checkpoint logs the whole page. pglz compresses those images several times slower than lz4.
    /// </summary>
    private async Task<string> WalCompressionAsync(PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        // The server itself says whether it takes the value (postgres -C checks the setting without starting).
        var probe = await ProcessRunner.RunAsync(
            binaries.Tool("postgres"), ["-D", DataDirectory, "-C", "wal_compression", "-c", "wal_compression=lz4"], asServerUser: true, cancellationToken);
        return probe.ExitCode == 0 && probe.StandardOutput.Trim() == "lz4" ? "lz4" : "on";
    }

    private async Task EnsureDatabaseAsync(EmbeddedCluster cluster, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        check.Parameters.AddWithValue("name", cluster.Database);
        if (await check.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{cluster.Database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase || ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Another process created it between the check and the create.
            }
        }
    }

    /// <summary>Reads postmaster.pid; returns the server when its process is alive, else removes a stale file.</summary>
    private (int Pid, int Port)? ReadRunningServer()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(PidFile);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ApdbUserException($"cannot read {PidFile}: {ex.Message} (was the cluster created by another user?)", ex);
        }

        if (lines.Length < 4 || !int.TryParse(lines[0], out var pid) || !int.TryParse(lines[3], out var port))
        {
            return null;
        }

        if (PostmasterProbe.IsServerOf(pid, DataDirectory))
        {
            return (pid, port);
        }

        // The server died without removing its pid file (a crash or a reboot), and the pid is gone or belongs to
        // another program now; pg_ctl would refuse to start over the file while that program runs.
        try
        {
            File.Delete(PidFile);
        }
        catch (IOException)
        {
        }

        return null;
    }

    private int ChoosePort()
    {
        if (File.Exists(PortPath) && int.TryParse(File.ReadAllText(PortPath).Trim(), out var previous) && IsPortFree(previous))
        {
            return previous;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Home, ".lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static void EnsureServerUserCanReach(string home)
    {
        // Every ancestor must be searchable by others: the server runs as 'postgres', not as root.
        var dir = new DirectoryInfo(Path.GetFullPath(home)).Parent;
        while (dir is not null)
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(dir.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                throw new ApdbUserException(
                    $"APDB home {home} is inside {dir.FullName}, which the '{ServerUser}' user cannot enter (PostgreSQL refuses to run as root); " +
                    "set APDB_HOME to a directory outside it, e.g. /var/lib/apdb");
            }

            dir = dir.Parent;
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static async Task ChownToServerUserAsync(string path, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("chown", [$"{ServerUser}:", path], asServerUser: false, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new ApdbUserException($"cannot give {path} to the '{ServerUser}' user: {result.LastLine()} (is the postgres user missing? apt-get install postgresql creates it)");
        }
    }

    private static string TryReadLogTail(string logPath)
    {
        try
        {
            var lines = File.ReadAllLines(logPath).Where(l => l.Length > 0).TakeLast(1).ToArray();
            return lines.Length == 0 ? string.Empty : $" (server log: {lines[0]})";
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
