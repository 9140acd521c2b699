namespace Apdb.Pipeline;

/// <summary>What a pipeline run did, for the report, the JSON and the plots.</summary>
public sealed class PipelineRunReport
{
    /// <summary>The canonical stage order of the report.</summary>
    public static IReadOnlyList<string> StageOrder { get; } =
        ["preload", "isr", "calibrate", "subtract", "detect", "associate", "diaCalculation", "forcedPhot", "store", "alerts"];

    /// <summary>Visits with at least one detector-visit processed.</summary>
    public int Visits { get; internal set; }

    /// <summary>Detector-visits processed and stored.</summary>
    public int DetectorVisits { get; internal set; }

    /// <summary>Detector-visits skipped because they were already stored.</summary>
    public List<string> Skipped { get; } = [];

    /// <summary>Why the run stopped early (the database went away), or null when it ran to the end.</summary>
    public string? Failure { get; internal set; }

    /// <summary>Detector-visits that failed (nothing stored for them) while the run went on.</summary>
    public List<string> Failed { get; } = [];

    /// <summary>Whether a failure was an internal error (a crash, exit 2) rather than the database or the input (exit 1).</summary>
    public bool InternalFailure { get; internal set; }

    /// <summary>Per-stage totals, including <c>simulate</c> when the front end rendered its input.</summary>
    public Dictionary<string, StageTotal> Stages { get; } = new(StringComparer.Ordinal);

    /// <summary>Row counts over the run.</summary>
    public Dictionary<string, long> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>Association against the truth at S/N &gt;= 10.</summary>
    public AssociationScore Association { get; internal set; } = AssociationScore.From(0, 0, 0, 0);

    /// <summary>Completeness on the transients that first became detectable on this run's detector-visits.</summary>
    public NewObjectScore NewObjects { get; internal set; }

    /// <summary>Per visit, its APDB time.</summary>
    public List<VisitTiming> PerVisit { get; } = [];

    /// <summary>Per detector-visit, forced-photometry targets and time.</summary>
    public List<ForcedPhotPoint> ForcedPhot { get; } = [];

    /// <summary>Every stage of every detector-visit with its worker (the trace).</summary>
    public List<TracedSpan> Spans { get; } = [];

    /// <summary>Wall-clock seconds of the run.</summary>
    public double WallSeconds { get; internal set; }

    /// <summary>Workers used.</summary>
    public int Workers { get; internal set; }
}
