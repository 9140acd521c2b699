namespace Apdb.Pipeline;

/// <summary>APDB time of one visit over its processed detectors (sums of the detector-visits' preload and store).</summary>
/// <param name="Visit">Visit id.</param>
/// <param name="VisitMjdTai">Its midpoint.</param>
/// <param name="HistoryVisits">Visits of the cadence in the 12 months before it (the history the reads search).</param>
/// <param name="DetectorVisits">Detector-visits processed.</param>
/// <param name="ApdbReadSeconds">Sum of the preload (read) times.</param>
/// <param name="ApdbWriteSeconds">Sum of the store (write) times.</param>
public sealed record VisitTiming(long Visit, double VisitMjdTai, int HistoryVisits, int DetectorVisits, double ApdbReadSeconds, double ApdbWriteSeconds);
