namespace Apdb.Pipeline;

/// <summary>Total seconds and number of calls of one stage over a run.</summary>
/// <param name="Seconds">Summed seconds (over detector-visits; workers overlap, so this can exceed the wall time).</param>
/// <param name="Calls">Detector-visits that ran the stage.</param>
public readonly record struct StageTotal(double Seconds, int Calls);
