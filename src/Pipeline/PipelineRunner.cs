using System.Collections.Concurrent;
using Apdb.Alerts;
using Apdb.Frontend;
using Apdb.Pipeline.DiaPipe;
using Npgsql;

namespace Apdb.Pipeline;

/// <summary>
/// Runs detector-visits through the front end and DiaPipe: the detectors of a visit in parallel (a fixed number of
/// workers sharing the store's connection pool), visits one after another in time order.
/// </summary>
/// <remarks>
/// <para>
/// Duplicate DiaObjects are prevented, not cleaned up afterwards. Padded regions of neighbouring detectors overlap,
/// so two detectors may read the same DiaObjects, but detectors do not overlap on the sky: a true source is detected
/// on at most one detector of a visit, and a detector only creates objects from its own sources. A duplicate can
/// therefore only arise across visits, when a later visit's preload runs before an earlier visit's new objects are
/// committed (pipelined visits). The runner keeps a barrier between visits: no detector of visit n+1 starts (and so
/// no preload of it) until every detector of visit n has stored or failed.
/// </para>
/// <para>
/// Faults: a detector-visit already stored is skipped with a message (or rewritten with
/// <see cref="DiaPipeOptions.ReplaceExisting"/>). Each detector-visit is stored in one transaction, so when the
/// database goes away the one in flight leaves nothing; the run finishes the visit's other workers, stops before the
/// next visit, and reports the failure. A detector-visit that fails otherwise (a front-end or worker crash) stores
/// nothing and is reported; the other detector-visits go on. Rerunning skips what was stored and resumes.
/// </para>
/// </remarks>
public sealed class PipelineRunner
{
    private readonly IApdb _store;
    private readonly DiaPipeline _pipeline;
    private readonly IDetectorFrontEnd _frontEnd;
    private readonly LoadedSurvey _survey;
    private readonly AssociationScorer _scorer;
    private readonly Lazy<NewObjectScorer> _newObjects;

    /// <summary>Creates a runner.</summary>
    public PipelineRunner(IApdb store, LoadedSurvey survey, IDetectorFrontEnd frontEnd, DiaPipeOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(survey);
        ArgumentNullException.ThrowIfNull(frontEnd);
        _store = store;
        _survey = survey;
        _frontEnd = frontEnd;
        _pipeline = new DiaPipeline(store, options, timeProvider);
        _scorer = new AssociationScorer(survey.Truth);
        _newObjects = new Lazy<NewObjectScorer>(() => new NewObjectScorer(survey.Truth, survey.Cadence.Visits.Take(survey.HistoryVisitCount)));
    }

    /// <summary>The DiaPipe the runner uses.</summary>
    public DiaPipeline Pipeline => _pipeline;

    /// <summary>
    /// Writes each detector-visit's alerts after its store has committed, or null for no alerts. An alert failure is
    /// reported for its detector-visit and never undoes the store.
    /// </summary>
    public AlertPackager? Alerts { get; init; }

    /// <summary>Runs the plan; failures end up in <see cref="PipelineRunReport.Failure"/>, not as exceptions.</summary>
    /// <param name="plan">Visits in time order with their detectors.</param>
    /// <param name="workers">Detector-visits processed at once (1-64).</param>
    /// <param name="progress">Receives progress from worker threads.</param>
    /// <param name="cancellationToken">Stops the run; detector-visits in flight roll back.</param>
    public async Task<PipelineRunReport> RunAsync(IReadOnlyList<PlannedVisit> plan, int workers, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workers, 64);
        var report = new PipelineRunReport { Workers = workers };
        var total = plan.Sum(p => p.Detectors.Count);
        var done = 0;
        var start = _pipeline.Now;
        var ordered = plan.OrderBy(p => p.Visit.MidpointMjdTai).ToList();
        var newObjects = _newObjects.Value.Restart();
        foreach (var planned in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var visit = planned.Visit;
            var todo = new List<int>();
            foreach (var detector in planned.Detectors)
            {
                var key = new DetectorVisit(visit.VisitId, (short)detector);
                if (!_pipeline.Options.ReplaceExisting && await StoredAsync(key, report, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    if (stored)
                    {
                        var message = $"skipped {key}: already stored (use --replace to rewrite it)";
                        report.Skipped.Add(message);
                        progress?.Report(new RunProgress(++done, total, message));
                        continue;
                    }
                }
                else if (report.Failure is not null)
                {
                    break;
                }

                todo.Add(detector);
            }

            if (report.Failure is not null)
            {
                break;
            }

            var results = await RunVisitAsync(visit, todo, workers, report, newObjects, () => progress?.Report(new RunProgress(Interlocked.Increment(ref done), total, null)), cancellationToken).ConfigureAwait(false);
            if (results.Count > 0)
            {
                report.Visits++;
                report.PerVisit.Add(new VisitTiming(visit.VisitId, visit.MidpointMjdTai, _survey.VisitsInWindow(visit.MidpointMjdTai), results.Count,
                    results.Sum(r => r.Seconds("preload")), results.Sum(r => r.Seconds("store"))));
            }

            if (report.Failure is not null)
            {
                progress?.Report(new RunProgress(done, total, report.Failure));
                break;
            }
        }

        report.WallSeconds = _pipeline.Now - start;
        report.NewObjects = newObjects.Score();
        return report;
    }

    private async Task<bool?> StoredAsync(DetectorVisit key, PipelineRunReport report, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.ContainsVisitDetectorAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (IsDatabaseGone(ex))
        {
            report.Failure = $"the database is unavailable before {key} ({FirstLine(ex.Message)}): nothing was written for it; rerun to resume";
            return null;
        }
    }

    private async Task<List<DetectorVisitResult>> RunVisitAsync(
        Simulation.Visit visit, List<int> detectors, int workers, PipelineRunReport report, NewObjectScorer newObjects, Action onDone, CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<DetectorVisitResult>();
        var failures = new ConcurrentQueue<(int Detector, Exception Error)>();
        var queue = new ConcurrentQueue<int>(detectors);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lanes = Enumerable.Range(0, Math.Min(workers, Math.Max(1, detectors.Count))).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && queue.TryDequeue(out var detector))
            {
                try
                {
                    var result = await _pipeline.ProcessAsync(visit, detector, _frontEnd, null, stop.Token).ConfigureAwait(false);
                    var alerts = PackageAlerts(result, report);
                    results.Add(result);
                    lock (report)
                    {
                        Accumulate(report, newObjects, worker, visit, result, alerts);
                    }

                    result.ReleaseAlertInputs();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failures.Enqueue((detector, ex));
                    if (ex is NpgsqlException db && IsDatabaseGone(db))
                    {
                        // Other workers would only fail the same way.
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                }
                finally
                {
                    onDone();
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(lanes).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (detector, error) in failures)
        {
            var key = new DetectorVisit(visit.VisitId, (short)detector);
            switch (error)
            {
                case NpgsqlException db when IsDatabaseGone(db):
                    report.Failure ??= $"the database went away during {key} ({FirstLine(db.Message)}): that detector-visit was rolled back and left nothing; {report.DetectorVisits} stored before it; rerun to resume";
                    break;
                case ApdbUserException user:
                    report.Failed.Add($"{key}: {FirstLine(user.Message)}");
                    break;
                default:
                    report.Failed.Add($"{key} failed ({error.GetType().Name}: {FirstLine(error.Message)}): nothing was stored for it; rerun to retry it");
                    report.InternalFailure = true;
                    break;
            }
        }

        return [.. results];
    }

    /// <summary>
    /// Writes the alerts of a stored detector-visit; returns the alert stage's span and file, or null when alerts are
    /// off. A failure is reported against the detector-visit, whose store stands.
    /// </summary>
    private (StageSpan Span, AlertFileResult? File)? PackageAlerts(DetectorVisitResult result, PipelineRunReport report)
    {
        if (Alerts is not { } alerts)
        {
            return null;
        }

        var start = _pipeline.Now;
        AlertFileResult? file = null;
        try
        {
            file = alerts.Package(new AlertInput(result.DetectorVisit, result.StoredSources, result.StoredObjects,
                result.PreloadedSources, result.PreloadedForcedSources, result.Images));
        }
        catch (AlertException ex)
        {
            lock (report)
            {
                report.Failed.Add($"{result.DetectorVisit}: stored, but no alerts were written: {FirstLine(ex.Message)}");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            lock (report)
            {
                report.Failed.Add($"{result.DetectorVisit}: stored, but no alerts were written ({ex.GetType().Name}: {FirstLine(ex.Message)})");
                report.InternalFailure = true;
            }
        }

        return (new StageSpan("alerts", start, _pipeline.Now - start), file);
    }

    private void Accumulate(PipelineRunReport report, NewObjectScorer newObjects, int worker, Simulation.Visit visit, DetectorVisitResult result, (StageSpan Span, AlertFileResult? File)? alerts)
    {
        report.DetectorVisits++;
        IEnumerable<StageSpan> spans = alerts is { } a ? [.. result.Spans, a.Span] : result.Spans;
        if (alerts is { File: { } file })
        {
            Add(report, "alerts", file.Packets);
            Add(report, "alertBytes", file.Bytes);
            Add(report, "alertFiles", 1);
        }

        foreach (var span in spans)
        {
            var t = report.Stages.GetValueOrDefault(span.Stage);
            report.Stages[span.Stage] = new StageTotal(t.Seconds + span.Seconds, t.Calls + 1);
            report.Spans.Add(new TracedSpan(worker, result.DetectorVisit.Visit, result.DetectorVisit.Detector, span));
        }

        var c = result.Counts;
        Add(report, "DiaSource", result.Store.DiaSources);
        Add(report, "DiaObject", result.Store.DiaObjects);
        Add(report, "DiaForcedSource", result.Store.DiaForcedSources);
        Add(report, "newDiaObjects", c.NewObjects);
        Add(report, "matchedDiaSources", c.Matched);
        Add(report, "droppedDiaSources", c.Dropped);
        Add(report, "preloadedDiaObjects", c.PreloadedObjects);
        Add(report, "preloadedDiaSources", c.PreloadedSources);
        Add(report, "preloadedDiaForcedSources", c.PreloadedForcedSources);
        report.ForcedPhot.Add(new ForcedPhotPoint(c.ForcedTargets, result.Seconds("forcedPhot")));
        report.Association += _scorer.Score(result);
        newObjects.Add(visit, result.DetectorVisit.Detector, result.Sources);
    }

    private static void Add(PipelineRunReport report, string key, long value) => report.Rows[key] = report.Rows.GetValueOrDefault(key) + value;

    /// <summary>
    /// Connection-level failures (socket, server shutdown, connections refused: anything FATAL), as opposed to a
    /// statement the server refused.
    /// </summary>
    internal static bool IsDatabaseGone(NpgsqlException ex) => ex switch
    {
        PostgresException pg => pg.Severity is "FATAL" or "PANIC"
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
        _ => true,
    };

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
