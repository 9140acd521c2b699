using Apdb.Records;
using Apdb.Sky;
using Npgsql;

namespace Apdb.Sharded;

public sealed partial class ShardedApdb
{
    /// <summary>How many times a store is attempted when a server fails under it.</summary>
    private const int StoreAttempts = 3;

    /// <summary>Stores one detector-visit with DiaObject versions given by the caller (see the summarising overload for the guarantees).</summary>
    public Task<StoreResult> StoreAsync(
        DetectorVisit detectorVisit, double visitMjdTai, IReadOnlyList<DiaObject> objects, IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources, StoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        StoreValidation.Validate(detectorVisit, objects, [], []);
        return StoreCoreAsync(detectorVisit, visitMjdTai, objects, null, sources, forcedSources, options, cancellationToken);
    }

    /// <summary>
    /// Stores one detector-visit over the shards, with the single-server store's results (<see cref="ApdbStore"/>:
    /// the same rows, versions, validity chains and DiaObjectLast), every row on the shard that owns its position.
    /// </summary>
    /// <remarks>
    /// The guarantees:
    /// <list type="bullet">
    /// <item>A store whose rows all fall on one shard is one transaction on that shard, registry row included.</item>
    /// <item>A store that crosses a shard cut is atomic by two-phase commit: every shard's part (each with a marker row
    /// naming the store) is prepared (<c>PREPARE TRANSACTION</c>), then committed, the home shard (which holds the
    /// registry row) last. If anything fails before the first commit, every part is rolled back. A part left prepared
    /// by a crash is resolved by the next store of that detector-visit (or <see cref="RecoverAsync"/>): committed when
    /// any part's marker committed, rolled back otherwise; so a replay converges to exactly one copy.</item>
    /// <item>The registry is never ahead of the data: its row commits last.</item>
    /// <item>Stores that share DiaObjects are serialised by advisory locks on the lock server (the coordinator, else
    /// shard 0) taken in ascending id order, as the single server locks DiaObjectLast rows; the detector-visit itself is
    /// locked first, so two stores of it write it once.</item>
    /// <item>A shard that is down fails the store with an error naming it, and nothing of the detector-visit is written.</item>
    /// </list>
    /// <item><see cref="StoreOptions.ReplaceExisting"/> rewrites a stored detector-visit with the single server's result:
    /// the removal of its rows (from every shard that holds them) and the new rows are one store, atomic the same way.</item>
    /// </remarks>
    public Task<StoreResult> StoreAsync(
        DetectorVisit detectorVisit, double visitMjdTai, IDiaObjectSummarizer summarizer, IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources, StoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summarizer);
        return StoreCoreAsync(detectorVisit, visitMjdTai, null, summarizer, sources, forcedSources, options, cancellationToken);
    }

    private async Task<StoreResult> StoreCoreAsync(
        DetectorVisit detectorVisit, double visitMjdTai, IReadOnlyList<DiaObject>? objects, IDiaObjectSummarizer? summarizer,
        IReadOnlyList<DiaSource> sources, IReadOnlyList<DiaForcedSource> forcedSources, StoreOptions? options, CancellationToken cancellationToken)
    {
        // The store's own copies: the caller's rows are left as they were given (pixelId is the store's to set).
        var (ownSources, ownForced) = StoreValidation.CheckedCopies(detectorVisit, visitMjdTai, sources, forcedSources);
        options ??= StoreOptions.Default;
        var request = new StoreRequest(detectorVisit, visitMjdTai, objects, summarizer, ownSources, ownForced, options);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreOnceAsync(request, cancellationToken);
            }
            catch (ApdbUserException ex) when (attempt < StoreAttempts && ex.InnerException is { } inner && ShardFailure.IsUnavailable(inner) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }

    private async Task<StoreResult> StoreOnceAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        var dv = request.DetectorVisit;
        var fresh = ObjectIds(request);
        ReplacedVisit? replaced = null;
        await using var locks = await StoreLocks.AcquireAsync(LockServer, dv, async () =>
        {
            // Under the detector-visit's lock: no other store of it runs, so what it holds now stays until this commits.
            await ResolveInDoubtAsync(dv, cancellationToken);
            replaced = await ReadReplacedAsync(dv, cancellationToken);
            if (replaced is not null && !request.Options.ReplaceExisting)
            {
                throw new ApdbUserException($"store of {dv} refused, nothing written: the detector-visit is already stored (use the replace option to rewrite it)");
            }

            return replaced is null ? fresh : [.. fresh.Union(replaced.DiaObjectIds).Order()];
        }, cancellationToken);

        var positions = request.Sources.Select(s => s.PixelId).Concat(request.ForcedSources.Select(f => f.PixelId))
            .Concat((request.Objects ?? []).Select(o => HealpixNested.Hash(HealpixNested.MaxDepth, o.Ra, o.Dec))).ToList();
        // A replace reads every shard: the replaced detector-visit's objects may lie anywhere its rows did.
        var near = replaced is null ? Layout.ShardsNear(positions) : AllShards;
        var state = await ReadStateAsync(request, near, replaced is null ? fresh : [.. fresh.Union(replaced.DiaObjectIds).Order()], replaced, cancellationToken);
        var (stored, lastShard) = (state.Versions, state.LastShard);
        Dictionary<int, ShardWrites>? removal = null;
        if (replaced is not null)
        {
            (removal, stored, lastShard) = StorePlan.Remove(replaced, stored, lastShard);
        }

        var versions = request.Objects is { } given
            ? ApdbStore.VersionsAt(given, request.VisitMjdTai)
            : Summarize(request, state.SummarySources, stored.Where(v => fresh.Contains(v.DiaObjectId)));
        var (writes, closed) = StorePlan.Build(Layout, versions, stored, lastShard, request.Sources, request.ForcedSources);
        foreach (var (shard, before) in removal ?? [])
        {
            if (!writes.TryGetValue(shard, out var part))
            {
                writes[shard] = part = new ShardWrites();
            }

            part.Before = before;
        }

        var home = writes.Count > 0 ? writes.Keys.Min() : near.Count > 0 ? near[0] : 0;
        if (!writes.ContainsKey(home))
        {
            writes[home] = new ShardWrites();
        }

        await EnsurePartitionsAsync(writes, cancellationToken);
        var registry = new RegistryRow(dv, request.VisitMjdTai, versions.Count, request.Sources.Count, request.ForcedSources.Count);
        await CommitAsync(dv, home, writes, registry, cancellationToken);
        return new StoreResult(dv, versions.Count, closed, request.Sources.Count, request.ForcedSources.Count, replaced is not null)
        {
            Versions = [.. versions.Where(v => v.ValidityStartMjdTai == request.VisitMjdTai)],
        };
    }

    private static long[] ObjectIds(StoreRequest request)
    {
        var ids = request.Objects is { } given
            ? given.Select(o => o.DiaObjectId)
            : request.Sources.Where(s => s.DiaObjectId.HasValue).Select(s => s.DiaObjectId!.Value);
        return [.. ids.Distinct().Order()];
    }

    /// <summary>The versions a summarising store writes, by the single server's rules (<see cref="ApdbStore"/>).</summary>
    private static List<DiaObject> Summarize(StoreRequest request, List<DiaSource> storedSources, IEnumerable<StoredVersion> storedVersions)
    {
        var t = request.VisitMjdTai;
        var window = request.Options.HistoryMonths * ApdbStore.DaysPerMonth;
        var fresh = request.Sources.Where(s => s.DiaObjectId.HasValue).ToList();
        if (fresh.Count == 0)
        {
            return [];
        }

        var all = storedSources.Concat(fresh).ToList();
        var versions = ApdbStore.SummarizeAt(request.Summarizer!, t, window, all, null);
        foreach (var group in storedVersions.Where(v => v.Start > t).GroupBy(v => v.Start))
        {
            var members = group.Select(v => v.DiaObjectId).ToHashSet();
            versions.AddRange(ApdbStore.SummarizeAt(request.Summarizer!, group.Key, window, all, members));
        }

        return versions;
    }

    private async Task EnsurePartitionsAsync(Dictionary<int, ShardWrites> writes, CancellationToken cancellationToken)
    {
        await OnShardsAsync([.. writes.Keys], async (i, _) =>
        {
            var months = writes[i].Sources.Select(s => s.MidpointMjdTai).Concat(writes[i].ForcedSources.Select(f => f.MidpointMjdTai));
            await _stores[i].EnsurePartitionsAsync(months, cancellationToken);
            return true;
        });
    }

    /// <summary>A store's inputs, validated.</summary>
    private sealed record StoreRequest(
        DetectorVisit DetectorVisit, double VisitMjdTai, IReadOnlyList<DiaObject>? Objects, IDiaObjectSummarizer? Summarizer,
        IReadOnlyList<DiaSource> Sources, IReadOnlyList<DiaForcedSource> ForcedSources, StoreOptions Options);

    /// <summary>What the shards near a store hold of its objects.</summary>
    private sealed record StoreState(List<StoredVersion> Versions, Dictionary<long, int> LastShard, List<DiaSource> SummarySources);

    /// <summary>The registry row of a detector-visit, written on its home shard.</summary>
    internal sealed record RegistryRow(DetectorVisit DetectorVisit, double VisitMjdTai, int DiaObjects, int DiaSources, int DiaForcedSources);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) => new(sql, connection, transaction);
}
