using System.Threading.Channels;
using Apdb.Simulation;
using Npgsql;

namespace Apdb.History;

/// <summary>
/// One history generated once and loaded into several shards at the same time: each batch the generator yields is
/// handed to every shard's load, which keeps the rows its partition holds (<see cref="HistoryPartition"/>). Generating
/// per shard would repeat the whole generation on every shard's loader, on the same client.
/// </summary>
/// <remarks>
/// The loads run as <see cref="HistoryLoader.LoadPartitionAsync"/> does each on its own: lock, preparation, COPY,
/// indexes and the completed state per shard. The slowest shard paces the generator (each shard's queue holds
/// <see cref="Capacity"/> batches). When one shard's load fails, the generation stops and the other loads end
/// cancelled, so the failure that is reported is the one that stopped them; each shard then records an incomplete
/// load, as a failed single load does, and a rerun with <c>--replace</c> repairs all of them. No shard records its load
/// complete before every shard has its rows and indexes in: a shard that finishes first waits for the others, so a
/// shard that fails, early or late, leaves no other shard saying complete.
/// </remarks>
public sealed class SharedHistoryLoad : IAsyncDisposable
{
    private const int Capacity = 2;
    private const int GeneratorFailed = -1;
    private const int NoFailure = -2;

    private readonly HistoryGenerator _generator;
    private readonly Channel<HistoryBatch>[] _queues;
    private readonly CancellationTokenSource _stop;
    private readonly Lazy<Task> _producer;
    private readonly TaskCompletionSource _everyShardLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failedBy = NoFailure;
    private int _shardsLoaded;

    /// <summary>Prepares the generation of a preset's history for <paramref name="shards"/> loads; it starts with the first load.</summary>
    /// <exception cref="ApdbUserException">Unknown preset or months outside 1-24.</exception>
    public SharedHistoryLoad(string preset, int months, long seed, int shards, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _generator = HistoryLoader.CreateGenerator(preset, months, seed);
        _queues = [.. Enumerable.Range(0, shards).Select(_ => Channel.CreateBounded<HistoryBatch>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait }))];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _producer = new Lazy<Task>(() => Task.Run(ProduceAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// Loads shard <paramref name="shard"/>'s rows. Every shard's load must be started (a shard's queue that nobody
    /// reads holds the generator back); a load that cannot run still ends the shared generation through its failure.
    /// </summary>
    /// <exception cref="OperationCanceledException">Another shard's load failed first (or the load was cancelled).</exception>
    public async Task<HistoryLoadSummary> LoadAsync(
        int shard, NpgsqlDataSource dataSource, HistoryPartition partition, bool replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(partition);
        _ = _producer.Value;
        try
        {
            return await HistoryLoader.LoadCoreAsync(dataSource, partition, _generator, token => Read(shard, token), replace, null, cancellationToken, AwaitEveryShardLoadedAsync);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _failedBy, shard, NoFailure);
            await _stop.CancelAsync();
            if (Volatile.Read(ref _failedBy) is var first && first != shard && first != GeneratorFailed)
            {
                // Stopped by another shard's failure: that one is the error to report.
                throw new OperationCanceledException($"load-history: stopped because shard {first}'s load failed", ex);
            }

            throw;
        }
        catch (OperationCanceledException)
        {
            await _stop.CancelAsync();
            throw;
        }
    }

    /// <summary>How many shards have their rows and indexes in and wait for the others (or have gone on).</summary>
    internal int ShardsLoaded => Volatile.Read(ref _shardsLoaded);

    /// <summary>Stops the generation if it still runs and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_producer.IsValueCreated)
        {
            try
            {
                await _producer.Value;
            }
            catch (Exception ex) when (ex is OperationCanceledException || Volatile.Read(ref _failedBy) == GeneratorFailed)
            {
                // Stopped by the cancellation above, or the generator failed: every load has reported that already.
            }
        }

        _stop.Dispose();
    }

    /// <summary>Marks this shard's rows and indexes in, then waits until every shard's are (or one failed).</summary>
    private async Task AwaitEveryShardLoadedAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _shardsLoaded) == _queues.Length)
        {
            _everyShardLoaded.TrySetResult();
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        await _everyShardLoaded.Task.WaitAsync(linked.Token);
    }

    private IEnumerable<HistoryBatch> Read(int shard, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        foreach (var batch in _queues[shard].Reader.ReadAllAsync(linked.Token).ToBlockingEnumerable(linked.Token))
        {
            yield return batch;
        }
    }

    private async Task ProduceAsync()
    {
        Exception? failure = null;
        try
        {
            foreach (var batch in _generator.Generate(_stop.Token))
            {
                foreach (var queue in _queues)
                {
                    await queue.Writer.WriteAsync(batch, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _failedBy, GeneratorFailed, NoFailure);
            failure = ex;
            throw;
        }
        finally
        {
            foreach (var queue in _queues)
            {
                queue.Writer.TryComplete(failure);
            }
        }
    }
}
