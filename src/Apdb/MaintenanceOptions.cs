namespace Apdb;

/// <summary>
/// What <see cref="ApdbMaintenance"/> keeps. Months are Rubin's 30 days. The defaults keep the 12-month read window of
/// DiaPipe's preload plus one month, and retire one-source DiaObjects after 12 months without a new DiaSource.
/// </summary>
public sealed record MaintenanceOptions
{
    /// <summary>
    /// The time the job runs at, MJD TAI; null means the APDB's own clock: the latest stored visit's time in the
    /// registry. A simulated survey's visits are not at the wall-clock time, so the registry is the default.
    /// </summary>
    public double? NowMjdTai { get; init; }

    /// <summary>
    /// Months the pipeline reads back (its preload window): partitions inside it are never dropped. At least
    /// <see cref="StoreOptions.DefaultHistoryMonths"/>, the window the store summarises and DiaPipe preloads: a shorter
    /// one would drop history that the next visit still reads.
    /// </summary>
    public int WindowMonths { get; init; } = StoreOptions.DefaultHistoryMonths;

    /// <summary>Months kept beyond the window, for visits stored late and for readers at slightly earlier times.</summary>
    public int MarginMonths { get; init; } = 1;

    /// <summary>A DiaObject with one DiaSource and no new version for this many months leaves DiaObjectLast.</summary>
    public int RetireAfterMonths { get; init; } = 12;

    /// <summary>Reports what would be dropped and retired, and changes nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>DiaObjects retired per transaction, so the row locks the job takes are short-lived.</summary>
    public int RetireBatchSize { get; init; } = 10_000;

    /// <summary>Throws <see cref="ApdbUserException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (NowMjdTai is { } now && !double.IsFinite(now))
        {
            throw new ApdbUserException($"maintain: the time {now} is not a finite MJD");
        }

        if (WindowMonths < StoreOptions.DefaultHistoryMonths)
        {
            throw new ApdbUserException(
                $"maintain: window months {WindowMonths} is shorter than the {StoreOptions.DefaultHistoryMonths}-month read window; it would drop history the pipeline still reads");
        }

        Check(WindowMonths, StoreOptions.DefaultHistoryMonths, 1200, "window months");
        Check(MarginMonths, 0, 1200, "margin months");
        Check(RetireAfterMonths, 1, 1200, "retire-after months");
        Check(RetireBatchSize, 1, 10_000_000, "retire batch size");
    }

    private static void Check(int value, int min, int max, string what)
    {
        if (value < min || value > max)
        {
            throw new ApdbUserException($"maintain: {what} {value} is outside {min}-{max}");
        }
    }
}
