using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Apdb.Records;
using Apdb.Simulation;
using Npgsql;

namespace Apdb.History;

public static partial class HistoryLoader
{
    private static readonly string[] StreamedTables = ["DiaSource", "DiaObject", "DiaForcedSource", "DiaSourcePacked", "DiaForcedSourcePacked", "DiaObjectLast"];

    private static IReadOnlyList<string> ColumnsOf(string table) => table switch
    {
        "DiaSource" => HistoryCopyEncoders.DiaSourceColumns,
        "DiaObject" => HistoryCopyEncoders.DiaObjectColumns,
        "DiaForcedSource" => HistoryCopyEncoders.DiaForcedSourceColumns,
        "DiaObjectLast" => HistoryCopyEncoders.DiaObjectLastColumns,
        "DiaSourcePacked" => PackedRowEncoder.DiaSource.ColumnNames,
        "DiaForcedSourcePacked" => PackedRowEncoder.DiaForcedSource.ColumnNames,
        _ => HistoryCopyEncoders.VisitDetectorColumns,
    };

    /// <summary>Generation on one side, one COPY session per table on the other, bounded channels in between.</summary>
    private static async Task<CopyResult> CopyAsync(
        NpgsqlDataSource dataSource,
        HistoryGenerator generator,
        Func<CancellationToken, IEnumerable<HistoryBatch>> generate,
        HistoryPartition? partition,
        IProgress<HistoryLoadProgress>? progress,
        Task prepared,
        CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;
        var result = new CopyResult();
        var visitsTotal = generator.Cadence.Visits.Count;
        var channels = StreamedTables.ToDictionary(t => t, _ => Channel.CreateBounded<Chunk>(
            new BoundedChannelOptions(ChannelCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait }));
        var copied = new ConcurrentDictionary<string, int>(StreamedTables.ToDictionary(t => t, _ => 0));
        long rowsSent = 0;
        var generated = 0;

        void Report()
        {
            progress?.Report(new HistoryLoadProgress(HistoryLoadPhase.Copying, Volatile.Read(ref generated), copied.Values.Min(), visitsTotal, Interlocked.Read(ref rowsSent), 0, 0));
        }

        var copyClock = Stopwatch.StartNew();
        var consumers = StreamedTables.Select(table => Task.Run(async () =>
        {
            await prepared;
            var (rows, seconds) = await ConsumeAsync(dataSource, table, channels[table].Reader, chunk =>
            {
                Interlocked.Add(ref rowsSent, chunk.Rows);
                copied[table] = chunk.VisitsDone;
                Report();
            }, token);
            result.Rows[table] = rows;
            result.Seconds[table] = seconds;
        }, token)).ToList();

        var registry = new List<VisitDetectorRow>();
        var producer = Task.Run(async () =>
        {
            var clock = new Stopwatch();
            try
            {
                clock.Start();
                using var batches = generate(token).GetEnumerator();
                while (batches.MoveNext())
                {
                    var batch = batches.Current;
                    var sources = Held(batch.Sources, partition, r => r.PixelId);
                    var forcedSources = Held(batch.ForcedSources, partition, r => r.PixelId);
                    var source = Encode(sources, HistoryCopyEncoders.Encode, $"DiaSource_m{batch.Month}", batch.VisitsDone);
                    var objects = Encode(Held(batch.Objects, partition, r => r.PixelId), HistoryCopyEncoders.Encode, "DiaObject", batch.VisitsDone);
                    var forced = Encode(forcedSources, HistoryCopyEncoders.Encode, $"DiaForcedSource_m{batch.Month}", batch.VisitsDone);
                    var sourcePacked = EncodePacked(sources, r => r.PixelId, HistoryCopyEncoders.Encode, PackedRowEncoder.DiaSource, $"DiaSourcePacked_m{batch.Month}", batch.VisitsDone);
                    var forcedPacked = EncodePacked(forcedSources, r => r.PixelId, HistoryCopyEncoders.Encode, PackedRowEncoder.DiaForcedSource, $"DiaForcedSourcePacked_m{batch.Month}", batch.VisitsDone);
                    if (partition is null || partition.Registry)
                    {
                        registry.AddRange(batch.VisitDetectors);
                    }

                    // DiaObjectLast rows come with a final batch: the history's, or each field's of a tiled preset.
                    var last = batch.IsFinal
                        ? Encode(Held(batch.LastObjects, partition, r => r.PixelId), HistoryCopyEncoders.EncodeLast, "DiaObjectLast", batch.VisitsDone)
                        : new Chunk(null, [], 0, 0, batch.VisitsDone);
                    clock.Stop();
                    Volatile.Write(ref generated, batch.VisitsDone);
                    await channels["DiaSource"].Writer.WriteAsync(source, token);
                    await channels["DiaObject"].Writer.WriteAsync(objects, token);
                    await channels["DiaForcedSource"].Writer.WriteAsync(forced, token);
                    await channels["DiaSourcePacked"].Writer.WriteAsync(sourcePacked, token);
                    await channels["DiaForcedSourcePacked"].Writer.WriteAsync(forcedPacked, token);
                    await channels["DiaObjectLast"].Writer.WriteAsync(last, token);
                    clock.Start();
                }
            }
            finally
            {
                clock.Stop();
                result.GenerateSeconds = clock.Elapsed.TotalSeconds;
                foreach (var channel in channels.Values)
                {
                    channel.Writer.TryComplete();
                }
            }
        }, token);

        await WhenAllOrFirstFailureAsync([prepared, producer, .. consumers], linked);

        // The registry once everything else is in.
        var tail = new[]
        {
            ("apdb_visit_detector", Encode<VisitDetectorRow>(registry.ToArray(), HistoryCopyEncoders.Encode, "apdb_visit_detector", visitsTotal)),
        };
        await WhenAllOrFirstFailureAsync(tail.Select(t => Task.Run(async () =>
        {
            var channel = Channel.CreateUnbounded<Chunk>();
            channel.Writer.TryWrite(t.Item2);
            channel.Writer.Complete();
            var (rows, seconds) = await ConsumeAsync(dataSource, t.Item1, channel.Reader, chunk => Interlocked.Add(ref rowsSent, chunk.Rows), token);
            result.Rows[t.Item1] = rows;
            result.Seconds[t.Item1] = seconds;
        }, token)).ToList(), linked);
        result.CopySeconds = copyClock.Elapsed.TotalSeconds;
        Report();
        return result;
    }

    /// <summary>The rows a partition holds (all of them without one).</summary>
    private static T[] Held<T>(T[] rows, HistoryPartition? partition, Func<T, long> pixelId) =>
        partition is null ? rows : Array.FindAll(rows, r => partition.Holds(pixelId(r)));

    private static Chunk Encode<T>(T[] rows, EncodeRows<T> encode, string target, int visitsDone)
    {
        if (rows.Length == 0)
        {
            return new Chunk(null, [], 0, 0, visitsDone);
        }

        using var buffer = new CopyBuffer(Math.Max(4096, rows.Length * 256));
        encode(rows, buffer);
        var (bytes, length) = buffer.Detach();
        return new Chunk(target, bytes, length, rows.Length, visitsDone);
    }

    /// <summary>
    /// The packed preload companion's rows of a batch, in pixelId order (a region's rows of a batch then share pages,
    /// so the preload reads few): each row encoded wide by its column map, then packed by <paramref name="packer"/>.
    /// </summary>
    private static Chunk EncodePacked<T>(T[] rows, Func<T, long> pixelId, EncodeRows<T> encode, PackedRowEncoder packer, string target, int visitsDone)
    {
        if (rows.Length == 0)
        {
            return new Chunk(null, [], 0, 0, visitsDone);
        }

        var keys = Array.ConvertAll(rows, r => pixelId(r));
        var sorted = (T[])rows.Clone();
        Array.Sort(keys, sorted);
        using var wide = new CopyBuffer(Math.Max(4096, rows.Length * 256));
        encode(sorted, wide);
        using var buffer = new CopyBuffer(Math.Max(4096, rows.Length * 256));
        packer.Append(wide.Written, buffer);
        var (bytes, length) = buffer.Detach();
        return new Chunk(target, bytes, length, rows.Length, visitsDone);
    }

    private delegate void EncodeRows<T>(ReadOnlySpan<T> rows, CopyBuffer buffer);

    /// <summary>
    /// Writes the chunks of one table, switching COPY target (partition) when the chunk's target changes. A target's
    /// first stretch is written in one transaction that first checks it is still empty and truncates it: a relation
    /// emptied in the writing transaction lets COPY FREEZE skip setting hint bits later and, on a server with
    /// <c>wal_level = minimal</c> (the embedded cluster), skip writing the rows to the WAL at all (the file is synced at
    /// commit instead). Durability is unchanged: a crash before the commit leaves the target empty. A target this
    /// stream comes back to (the next field of a tiled preset starts again at the first month) is appended to by a
    /// plain COPY in a transaction of its own.
    /// </summary>
    private static async Task<(long Rows, double Seconds)> ConsumeAsync(
        NpgsqlDataSource dataSource, string table, ChannelReader<Chunk> reader, Action<Chunk> onChunk, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var columns = string.Join(", ", ColumnsOf(table).Select(Quote));
        NpgsqlRawCopyStream? copy = null;
        NpgsqlTransaction? transaction = null;
        string? current = null;
        var written = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0;
        Stopwatch? clock = null;
        try
        {
            await foreach (var chunk in reader.ReadAllAsync(cancellationToken))
            {
                if (chunk.Target is not null)
                {
                    clock ??= Stopwatch.StartNew();
                    if (chunk.Target != current)
                    {
                        if (copy is not null)
                        {
                            await FinishAsync(copy, cancellationToken);
                            copy = null;
                            await transaction!.CommitAsync(cancellationToken);
                            await transaction.DisposeAsync();
                        }

                        transaction = await connection.BeginTransactionAsync(cancellationToken);
                        var again = !written.Add(chunk.Target);
                        if (!again)
                        {
                            await EmptyTargetAsync(connection, transaction, chunk.Target, cancellationToken);
                        }

                        copy = await connection.BeginRawBinaryCopyAsync(
                            $"COPY {Quote(chunk.Target)} ({columns}) FROM STDIN (FORMAT BINARY{(again ? string.Empty : ", FREEZE")})", cancellationToken);
                        await copy.WriteAsync(CopyBuffer.Header.ToArray(), cancellationToken);
                        current = chunk.Target;
                    }

                    await copy!.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), cancellationToken);
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    rows += chunk.Rows;
                }

                onChunk(chunk);
            }

            if (copy is not null)
            {
                await FinishAsync(copy, cancellationToken);
                copy = null;
                await transaction!.CommitAsync(cancellationToken);
            }
        }
        catch when (copy is not null)
        {
            // Abort the COPY in progress: its transaction rolls back and the connection stays usable for disposal.
            try
            {
                await copy.CancelAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException or IOException)
            {
                // The server may be gone already; the original error is what matters.
            }

            throw;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }

        return (rows, clock?.Elapsed.TotalSeconds ?? 0);
    }

    /// <summary>
    /// Locks the COPY target, refuses if a row arrived since the load checked the APDB was empty (another writer), and
    /// truncates it so that the COPY writes into a file created in this transaction.
    /// </summary>
    private static async Task EmptyTargetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, CancellationToken cancellationToken)
    {
        await using (var lockTarget = new NpgsqlCommand($"LOCK TABLE {Quote(target)} IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockTarget.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var probe = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {Quote(target)})", connection, transaction))
        {
            if ((bool)(await probe.ExecuteScalarAsync(cancellationToken))!)
            {
                throw new ApdbUserException($"load-history: {target} received rows from another writer during the load; stop other writers and rerun with --replace");
            }
        }

        await using var truncate = new NpgsqlCommand($"TRUNCATE {Quote(target)}", connection, transaction);
        await truncate.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task FinishAsync(NpgsqlRawCopyStream copy, CancellationToken cancellationToken)
    {
        await copy.WriteAsync(CopyBuffer.Trailer.ToArray(), cancellationToken);
        await copy.DisposeAsync();
    }

    /// <summary>Awaits every task; on the first failure cancels the rest and rethrows the root cause, not the cancellations it caused.</summary>
    private static async Task WhenAllOrFirstFailureAsync(IReadOnlyList<Task> tasks, CancellationTokenSource linked)
    {
        var pending = tasks.ToList();
        Exception? first = null;
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (done.IsFaulted && first is null)
            {
                first = done.Exception!.InnerException;
                await linked.CancelAsync();
            }
            else if (done.IsCanceled && first is null)
            {
                await linked.CancelAsync();
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }

        linked.Token.ThrowIfCancellationRequested();
    }

    private sealed record Chunk(string? Target, byte[] Buffer, int Length, int Rows, int VisitsDone);

    private sealed class CopyResult
    {
        public ConcurrentDictionary<string, long> Rows { get; } = new();

        public ConcurrentDictionary<string, double> Seconds { get; } = new();

        public double GenerateSeconds { get; set; }

        public double CopySeconds { get; set; }
    }
}
