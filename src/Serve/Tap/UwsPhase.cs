namespace Apdb.Serve.Tap;

/// <summary>The UWS 1.1 execution phases a job of this service goes through.</summary>
public enum UwsPhase
{
    /// <summary>Created, not yet asked to run.</summary>
    Pending,

    /// <summary>Asked to run, waiting for a slot.</summary>
    Queued,

    /// <summary>Running.</summary>
    Executing,

    /// <summary>Finished with a result.</summary>
    Completed,

    /// <summary>Finished with an error.</summary>
    Error,

    /// <summary>Stopped by the user or by its execution duration.</summary>
    Aborted,
}
