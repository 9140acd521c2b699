using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;

namespace Apdb.Cli.Commands;

/// <summary>
/// CPU seconds spent by this process (the bench's clients), by the PostgreSQL server it talks to, and by the whole
/// machine, read from Linux's <c>/proc</c> between two samples. The server's share is every process of its cluster: the
/// postmaster and its children (backends, autovacuum, the WAL writer, the checkpointer), plus the time of children that
/// have exited since the postmaster started (<c>cutime</c>, <c>cstime</c>). It is measurable only when the server runs
/// on this machine and its processes are readable here; <see cref="ServerUnavailable"/> says why it is not.
/// </summary>
/// <remarks>
/// <c>/proc</c> counts in clock ticks of <see cref="TicksPerSecond"/>: Linux fixes USER_HZ at 100 for user space
/// whatever the kernel's own tick rate.
/// </remarks>
internal sealed class CpuAccount
{
    private const double TicksPerSecond = 100;

    private readonly int? _postmaster;

    private CpuAccount(int? postmaster, string? serverUnavailable)
    {
        _postmaster = postmaster;
        ServerUnavailable = serverUnavailable;
    }

    /// <summary>Why the server's CPU is not measured (null when it is).</summary>
    public string? ServerUnavailable { get; }

    /// <summary>CPU seconds at one moment; subtract two for what was spent between them.</summary>
    internal readonly record struct Sample(double Client, double? Server, double? Machine)
    {
        public static Sample operator -(Sample a, Sample b) => new(a.Client - b.Client, a.Server - b.Server, a.Machine - b.Machine);
    }

    /// <summary>Finds the server's postmaster through one backend of <paramref name="dataSource"/>, when the server is local.</summary>
    public static async Task<CpuAccount> OpenAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new CpuAccount(null, "/proc is Linux's and this is not Linux");
        }

        var host = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Host ?? string.Empty;
        if (!IsLocal(host))
        {
            return new CpuAccount(null, $"the server runs at {host}, not on this machine");
        }

        await using var command = dataSource.CreateCommand("SELECT pg_backend_pid()");
        var backend = Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        var stat = ReadStat(backend);
        if (stat is null || stat.Value.Comm != "postgres")
        {
            return new CpuAccount(null, $"the server's backend (pid {backend}) is not a readable postgres process here (another PID namespace or user)");
        }

        return new CpuAccount(stat.Value.ParentPid, null);
    }

    /// <summary>The CPU seconds used so far by this process, the server (null when unavailable) and the machine (null without /proc/stat).</summary>
    public Sample Take()
    {
        using var self = Process.GetCurrentProcess();
        return new(self.TotalProcessorTime.TotalSeconds, ServerSeconds(), MachineSeconds());
    }

    private double? ServerSeconds()
    {
        if (_postmaster is not { } postmaster || ReadStat(postmaster) is not { } own)
        {
            return null;
        }

        var ticks = own.OwnTicks + own.ChildrenTicks;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } child && child.ParentPid == postmaster)
            {
                ticks += child.OwnTicks;
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>Busy CPU seconds of the whole machine: user, nice, system, irq, softirq and steal from /proc/stat's first line.</summary>
    private static double? MachineSeconds()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            return line is null ? null : ParseMachineTicks(line) / TicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The busy ticks of /proc/stat's aggregate <c>cpu</c> line.</summary>
    internal static long ParseMachineTicks(string line)
    {
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 9 || f[0] != "cpu")
        {
            throw new FormatException($"/proc/stat: the first line is not the aggregate cpu line: {line}");
        }

        long Field(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
    }

    /// <summary>What a process's /proc/[pid]/stat says of it.</summary>
    internal readonly record struct ProcessStat(string Comm, int ParentPid, long OwnTicks, long ChildrenTicks);

    private static ProcessStat? ReadStat(int pid)
    {
        try
        {
            return ParseStat(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended between listing and reading, or is not ours to read.
            return null;
        }
    }

    /// <summary>
    /// Parses a /proc/[pid]/stat line. The command name is between the first '(' and the last ')', and may itself hold
    /// spaces and parentheses; the fields after it are counted from the state (field 3).
    /// </summary>
    internal static ProcessStat ParseStat(string text)
    {
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            throw new FormatException($"not a /proc/[pid]/stat line: {text}");
        }

        var rest = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 15)
        {
            throw new FormatException($"a /proc/[pid]/stat line with {rest.Length} fields after the name: {text}");
        }

        // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
        long Field(int n) => long.Parse(rest[n - 3], CultureInfo.InvariantCulture);
        return new ProcessStat(text[(open + 1)..close], (int)Field(4), Field(14) + Field(15), Field(16) + Field(17));
    }

    private static bool IsLocal(string host) =>
        host.StartsWith('/') || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
