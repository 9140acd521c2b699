namespace Apdb.Serve;

/// <summary>How <c>apdb serve</c> listens and bounds the work a query may do.</summary>
public sealed record ServeOptions
{
    /// <summary>The address to listen on: loopback unless the operator says otherwise.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Rows a query returns when it gives no MAXREC.</summary>
    public long DefaultMaxRec { get; init; } = 10_000;

    /// <summary>The most rows any query may return, whatever its MAXREC or TOP.</summary>
    public long HardMaxRec { get; init; } = 100_000;

    /// <summary>The PostgreSQL statement timeout of every query.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A role every query switches to (<c>SET LOCAL ROLE</c>), e.g. the APDB's reader role for a --db login that is a member of it; null to keep the login's own.</summary>
    public string? Role { get; init; }

    /// <summary>Where <c>apdb run</c> wrote its report (run.json and the plots), for the web page; null when there is none.</summary>
    public string? ReportDirectory { get; init; }

    /// <summary>How many UWS jobs may exist at once (finished ones count until destroyed).</summary>
    public int MaxJobs { get; init; } = 100;

    /// <summary>How long an async job and its result are kept.</summary>
    public TimeSpan JobRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Checks the options before anything starts.</summary>
    /// <exception cref="ArgumentException">The bind address is not an IP address, the port is out of range, or a limit is not positive.</exception>
    public System.Net.IPAddress Validate()
    {
        if (!System.Net.IPAddress.TryParse(Bind, out var address))
        {
            throw new ArgumentException($"serve: --bind {Bind} is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)", nameof(Bind));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"serve: --port {Port} is outside 0-65535", nameof(Port));
        }

        if (HardMaxRec < 1 || DefaultMaxRec < 0 || DefaultMaxRec > HardMaxRec)
        {
            throw new ArgumentException($"serve: row limits must satisfy 0 <= default ({DefaultMaxRec}) <= hard ({HardMaxRec}), hard >= 1", nameof(HardMaxRec));
        }

        if (StatementTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"serve: the statement timeout must be positive, not {StatementTimeout}", nameof(StatementTimeout));
        }

        return address;
    }
}
