using System.Collections.Concurrent;
using System.Security.Cryptography;
using Apdb.Serve.Adql;

namespace Apdb.Serve.Tap;

/// <summary>
/// The service's asynchronous jobs, in memory, with their results in a private temporary directory. A job runs on
/// the thread pool through the same <see cref="TapQueryRunner"/> as a sync query; the number of jobs is bounded.
/// </summary>
public sealed class UwsJobStore : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, UwsJob> _jobs = new(StringComparer.Ordinal);
    private readonly TapQueryRunner _runner;
    private readonly TimeProvider _clock;
    private readonly string _directory;

    /// <summary>Creates an empty store whose results live in a new temporary directory.</summary>
    public UwsJobStore(TapQueryRunner runner, TimeProvider clock)
    {
        _runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _directory = Directory.CreateTempSubdirectory("apdb-serve-jobs-").FullName;
    }

    /// <summary>The longest a job may execute: the statement timeout that bounds every query.</summary>
    public TimeSpan Hard => _runner.Options.StatementTimeout;

    /// <summary>Every live job, oldest first.</summary>
    public IReadOnlyList<UwsJob> Jobs
    {
        get
        {
            Expire();
            return [.. _jobs.Values.OrderBy(j => j.CreationTime)];
        }
    }

    /// <summary>Creates a PENDING job; the parameters are checked when it runs, as UWS allows.</summary>
    /// <exception cref="TapException">The service already holds its maximum number of jobs.</exception>
    public UwsJob Create(IReadOnlyDictionary<string, string> parameters)
    {
        Expire();
        if (_jobs.Count >= _runner.Options.MaxJobs)
        {
            throw new TapException($"too many jobs ({_jobs.Count}): delete finished ones or wait for them to expire");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var now = _clock.GetUtcNow();
        var job = new UwsJob(id, parameters, now, _runner.Options.StatementTimeout, now + _runner.Options.JobRetention, Path.Combine(_directory, id));
        _jobs[id] = job;
        return job;
    }

    /// <summary>The job with this id, or null.</summary>
    public UwsJob? Find(string id)
    {
        Expire();
        return _jobs.TryGetValue(id, out var job) ? job : null;
    }

    /// <summary>Queues a PENDING job to run; a job in any other phase is left as it is.</summary>
    public void Run(UwsJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (job.Gate)
        {
            if (job.Phase != UwsPhase.Pending)
            {
                return;
            }

            job.Phase = UwsPhase.Queued;
        }

        _ = Task.Run(() => ExecuteAsync(job));
    }

    /// <summary>Aborts a job that has not finished.</summary>
    public void Abort(UwsJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (job.Gate)
        {
            if (job.IsFinal)
            {
                return;
            }

            var wasRunning = job.Phase is UwsPhase.Queued or UwsPhase.Executing;
            job.Phase = UwsPhase.Aborted;
            job.EndTime = _clock.GetUtcNow();
            if (!wasRunning)
            {
                job.Finished.TrySetResult();
            }
        }

        job.Cancellation.Cancel();
    }

    /// <summary>Aborts and removes a job and its result.</summary>
    public void Delete(UwsJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Abort(job);
        _jobs.TryRemove(job.Id, out _);
        TryDelete(job.ResultPath);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a job to leave a non-final phase.</summary>
    public static async Task WaitAsync(UwsJob job, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            await job.Finished.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // UWS: a blocking wait returns the job as it is when the time is up.
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var job in _jobs.Values)
        {
            job.Cancellation.Cancel();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A result still open by a reader: the temporary directory is the OS's to clean.
        }

        return ValueTask.CompletedTask;
    }

    private async Task ExecuteAsync(UwsJob job)
    {
        TapRequest request;
        lock (job.Gate)
        {
            if (job.Phase != UwsPhase.Queued)
            {
                job.Finished.TrySetResult();
                return;
            }

            job.Phase = UwsPhase.Executing;
            job.StartTime = _clock.GetUtcNow();
        }

        try
        {
            request = TapRequest.From(job.Parameters, _runner.Options);
            job.Cancellation.CancelAfter(job.ExecutionDuration);
            await using (var file = new FileStream(job.ResultPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var (_, overflow) = await _runner.RunAsync(request, file, job.Cancellation.Token);
                job.Overflow = overflow;
            }

            Finish(job, UwsPhase.Completed, null, TapRequest.MediaType(request.Format));
        }
        catch (Exception ex) when (ex is AdqlException or TapException)
        {
            Finish(job, UwsPhase.Error, ex.Message, null);
        }
        catch (OperationCanceledException)
        {
            Finish(job, UwsPhase.Aborted, "the job was aborted or ran past its execution duration", null);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            Finish(job, UwsPhase.Error, $"database error: {ex.Message}", null);
        }
        finally
        {
            job.Finished.TrySetResult();
        }
    }

    private void Finish(UwsJob job, UwsPhase phase, string? error, string? mediaType)
    {
        lock (job.Gate)
        {
            if (job.Phase == UwsPhase.Aborted)
            {
                return;
            }

            job.Phase = phase;
            job.ErrorMessage = error;
            job.ResultMediaType = mediaType;
            job.EndTime = _clock.GetUtcNow();
        }
    }

    private void Expire()
    {
        var now = _clock.GetUtcNow();
        foreach (var job in _jobs.Values.Where(j => j.Destruction <= now).ToList())
        {
            Delete(job);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Being read right now: the directory goes when the service stops.
        }
    }
}
