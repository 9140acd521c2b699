using Apdb.Records;
using Apdb.Sky;

namespace Apdb;

/// <summary>
/// The APDB as alert production sees it (dax_apdb's abstract <c>Apdb</c>): region and id reads of the newest DiaObjects
/// and of the DiaSources and DiaForcedSources in the history window, the visit registry, and one atomic store per
/// detector-visit. <see cref="ApdbStore"/> implements it on one PostgreSQL server; an implementation over several
/// servers keeps the same contract, and one contract test suite runs against each.
/// </summary>
/// <remarks>
/// The contract every implementation keeps, whatever the order and concurrency of stores:
/// <list type="bullet">
/// <item>A store is atomic: a read never sees part of a detector-visit, and the registry never says a detector-visit
/// is stored before its rows are.</item>
/// <item>A detector-visit is stored once: a second store is refused and changes nothing unless
/// <see cref="StoreOptions.ReplaceExisting"/> is set, so a replay after a failure converges to one copy.</item>
/// <item>Each object's versions are ordered by validity start and chained (each ends where the next starts); region
/// reads return the newest version, never an older one, even when visits are stored out of order.</item>
/// <item>With an <see cref="IDiaObjectSummarizer"/>, every version summarises every DiaSource stored in the window
/// ending at its start, whoever stored it.</item>
/// <item>Inputs are not outputs: a store computes <c>pixelId</c> and validity intervals for what it writes and returns
/// the versions in <see cref="StoreResult.Versions"/>; the caller's objects are left as they were.</item>
/// <item>Reads of the history window return rows with <c>midpointMjdTai</c> in
/// (visit time - months x <see cref="ApdbStore.DaysPerMonth"/>, visit time].</item>
/// </list>
/// </remarks>
public interface IApdb
{
    /// <summary>The newest version (DiaObjectLast) of every DiaObject inside the region.</summary>
    Task<IReadOnlyList<DiaObjectLast>> GetDiaObjectsAsync(ISkyRegion region, CancellationToken cancellationToken = default);

    /// <summary>The DiaSources inside the region in the <paramref name="months"/> before <paramref name="visitMjdTai"/>.</summary>
    Task<IReadOnlyList<DiaSource>> GetDiaSourcesAsync(ISkyRegion region, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default);

    /// <summary>The DiaSources of the given objects in the <paramref name="months"/> before <paramref name="visitMjdTai"/>.</summary>
    Task<IReadOnlyList<DiaSource>> GetDiaSourcesAsync(IReadOnlyCollection<long> diaObjectIds, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default);

    /// <summary>The DiaForcedSources inside the region in the <paramref name="months"/> before <paramref name="visitMjdTai"/>.</summary>
    Task<IReadOnlyList<DiaForcedSource>> GetDiaForcedSourcesAsync(ISkyRegion region, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default);

    /// <summary>The DiaForcedSources of the given objects in the <paramref name="months"/> before <paramref name="visitMjdTai"/>.</summary>
    Task<IReadOnlyList<DiaForcedSource>> GetDiaForcedSourcesAsync(IReadOnlyCollection<long> diaObjectIds, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default);

    /// <summary>Whether the detector-visit has been stored (its store committed).</summary>
    Task<bool> ContainsVisitDetectorAsync(DetectorVisit detectorVisit, CancellationToken cancellationToken = default);

    /// <summary>Stores one detector-visit atomically with DiaObject versions given by the caller.</summary>
    Task<StoreResult> StoreAsync(
        DetectorVisit detectorVisit,
        double visitMjdTai,
        IReadOnlyList<DiaObject> objects,
        IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources,
        StoreOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Stores one detector-visit atomically, computing the DiaObject versions inside the store.</summary>
    Task<StoreResult> StoreAsync(
        DetectorVisit detectorVisit,
        double visitMjdTai,
        IDiaObjectSummarizer summarizer,
        IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources,
        StoreOptions? options = null,
        CancellationToken cancellationToken = default);
}
