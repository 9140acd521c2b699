using Apdb.Simulation;

namespace Apdb.Pipeline;

/// <summary>One visit of a run and the detectors to process in it.</summary>
/// <param name="Visit">The visit.</param>
/// <param name="Detectors">Detector ids, each at most once.</param>
public sealed record PlannedVisit(Visit Visit, IReadOnlyList<int> Detectors);
