using System.Diagnostics;
using Apdb.Pipeline;
using Apdb.Pipeline.DiaPipe;
using Apdb.Simulation;

namespace Apdb.Cli.Commands;

/// <summary>
/// DiaPipe's database work for new detector-visits without images, shared by the database benches
/// (<c>bench history-depth</c>, <c>bench visits</c>): the preload of the padded detector region (the read), then
/// association, summaries and the transactional store (the write) of the catalog-level rows the simulation measured
/// for the detector-visit (<see cref="CatalogFrontEnd"/>), with its forced fluxes.
/// </summary>
internal static class CatalogVisitWork
{
    /// <summary>One detector-visit's timings and rows; <see cref="Error"/> set (and the rest zero) when it failed.</summary>
    internal sealed record Outcome(
        int Detector, double ReadSeconds, double WriteSeconds, double TotalSeconds, DiaPipeCounts? Counts, StoreResult? Store, Exception? Error);

    /// <summary>Preloads and stores one detector-visit; returns the result, whose spans hold the preload and the store.</summary>
    public static async Task<DetectorVisitResult> RunAsync(DiaPipeline pipeline, CatalogFrontEnd front, Visit visit, int detector, CancellationToken ct)
    {
        var preload = await pipeline.PreloadAsync(pipeline.PreloadRegion(visit, detector), visit.MidpointMjdTai, ct);
        var sources = front.Rows(visit.VisitId, detector).Select(r => DiaSourceRows.ToRecord(r)).ToList();
        return await pipeline.RunCoreAsync(visit, detector, sources, preload,
            (ids, _) => [.. ids.Select(id => front.SimulatedForced(visit.VisitId, detector, id) ?? new ForcedFlux(double.NaN, double.NaN, double.NaN, double.NaN))],
            [preload.Span], ct);
    }

    /// <summary>
    /// Every given detector of a visit by <paramref name="clients"/> concurrent clients through the pipeline's one
    /// connection pool. A detector-visit that fails is reported in its outcome and the others go on. Cancellation
    /// stops between detector-visits: those under way finish their store (each store is one transaction either way),
    /// none starts after it, and <see cref="OperationCanceledException"/> is thrown. <c>completed</c>, when given, is
    /// called from the clients' threads as each detector-visit ends.
    /// </summary>
    public static async Task<Outcome[]> RunVisitAsync(
        DiaPipeline pipeline, CatalogFrontEnd front, Visit visit, IReadOnlyList<int> detectors, int clients, Action<Outcome>? completed, CancellationToken ct)
    {
        var outcomes = new Outcome[detectors.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = clients, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, detectors.Count), options, async (i, _) =>
        {
            var detector = detectors[i];
            var clock = Stopwatch.StartNew();
            Outcome outcome;
            try
            {
                // Not the loop's token: a detector-visit that has started is finished, so Ctrl-C stops between them.
                var result = await RunAsync(pipeline, front, visit, detector, CancellationToken.None);
                outcome = new Outcome(detector, result.Seconds("preload"), result.Seconds("store"), clock.Elapsed.TotalSeconds, result.Counts, result.Store, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcome = new Outcome(detector, 0, 0, clock.Elapsed.TotalSeconds, null, null, ex);
            }

            outcomes[i] = outcome;
            completed?.Invoke(outcome);
        });
        return outcomes;
    }
}
