namespace Apdb.Pipeline.DiaPipe;

/// <summary>One timed stage of one detector-visit, on the pipeline's clock (seconds since the pipeline was made).</summary>
/// <param name="Stage">Stage name as in <c>apdb run --json</c>: preload, simulate, isr, calibrate, subtract, detect, associate, diaCalculation, forcedPhot, store.</param>
/// <param name="StartSeconds">Start, seconds since the pipeline's origin.</param>
/// <param name="Seconds">Duration, seconds.</param>
public readonly record struct StageSpan(string Stage, double StartSeconds, double Seconds);
