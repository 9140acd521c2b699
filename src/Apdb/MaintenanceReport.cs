namespace Apdb;

/// <summary>One monthly partition the retention step dropped (or would drop, in a dry run).</summary>
/// <param name="Table">The parent table: DiaSource or DiaForcedSource.</param>
/// <param name="Partition">The partition's table name.</param>
/// <param name="EndMjdTai">The partition's exclusive upper bound on midpointMjdTai.</param>
/// <param name="Rows">Rows it held when it was dropped.</param>
/// <param name="Bytes">Its size on disk with its indexes.</param>
public sealed record DroppedPartition(string Table, string Partition, double EndMjdTai, long Rows, long Bytes);

/// <summary>What one run of <see cref="ApdbMaintenance"/> did.</summary>
/// <param name="NowMjdTai">The time the job ran at (given, or the registry's latest visit).</param>
/// <param name="PartitionCutoffMjdTai">Partitions ending at or before this time were dropped.</param>
/// <param name="RetireCutoffMjdTai">One-source DiaObjects whose newest version starts before this time were retired.</param>
/// <param name="Dropped">The partitions dropped.</param>
/// <param name="RetiredObjects">DiaObjects removed from DiaObjectLast (their version closed at <paramref name="NowMjdTai"/>).</param>
/// <param name="DryRun">Nothing was changed: the lists say what a real run would do.</param>
public sealed record MaintenanceReport(
    double NowMjdTai, double PartitionCutoffMjdTai, double RetireCutoffMjdTai, IReadOnlyList<DroppedPartition> Dropped, long RetiredObjects, bool DryRun);
