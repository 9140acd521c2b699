namespace Apdb.Serve.Tap;

/// <summary>
/// One asynchronous TAP query (UWS 1.1). Its state changes under <see cref="Gate"/>; the result is a file in the
/// job store's directory, deleted with the job.
/// </summary>
public sealed class UwsJob
{
    internal UwsJob(string id, IReadOnlyDictionary<string, string> parameters, DateTimeOffset created, TimeSpan executionDuration, DateTimeOffset destruction, string resultPath)
    {
        Id = id;
        Parameters = parameters;
        CreationTime = created;
        ExecutionDuration = executionDuration;
        Destruction = destruction;
        ResultPath = resultPath;
    }

    /// <summary>The job's id (random, URL-safe).</summary>
    public string Id { get; }

    /// <summary>The query parameters as given (LANG, QUERY, RESPONSEFORMAT, MAXREC, ...).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; internal set; }

    /// <summary>Guards the mutable state below.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>The current phase.</summary>
    public UwsPhase Phase { get; internal set; }

    /// <summary>When the job was created.</summary>
    public DateTimeOffset CreationTime { get; }

    /// <summary>When it started executing.</summary>
    public DateTimeOffset? StartTime { get; internal set; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? EndTime { get; internal set; }

    /// <summary>How long it may execute.</summary>
    public TimeSpan ExecutionDuration { get; internal set; }

    /// <summary>When it and its result are deleted.</summary>
    public DateTimeOffset Destruction { get; internal set; }

    /// <summary>The error message when <see cref="Phase"/> is <see cref="UwsPhase.Error"/>.</summary>
    public string? ErrorMessage { get; internal set; }

    /// <summary>The MIME type of the result.</summary>
    public string? ResultMediaType { get; internal set; }

    /// <summary>Whether the result was cut at MAXREC.</summary>
    public bool Overflow { get; internal set; }

    /// <summary>Where the result is written.</summary>
    internal string ResultPath { get; }

    /// <summary>Cancels the running query (abort, delete, execution duration).</summary>
    internal CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Completes when the job has finished running.</summary>
    internal TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the phase is final.</summary>
    public bool IsFinal => Phase is UwsPhase.Completed or UwsPhase.Error or UwsPhase.Aborted;
}
