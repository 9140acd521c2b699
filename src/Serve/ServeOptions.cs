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
}
