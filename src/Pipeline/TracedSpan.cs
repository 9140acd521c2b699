using Apdb.Pipeline.DiaPipe;

namespace Apdb.Pipeline;

/// <summary>A stage span of one detector-visit and the worker that ran it, for the trace file.</summary>
/// <param name="Worker">Worker number, 0-based.</param>
/// <param name="Visit">Visit id.</param>
/// <param name="Detector">Detector id.</param>
/// <param name="Span">The stage.</param>
public readonly record struct TracedSpan(int Worker, long Visit, int Detector, StageSpan Span);
