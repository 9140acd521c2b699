using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Apdb.Pipeline;
using Spectre.Console;

namespace Apdb.Cli.Commands;

internal static partial class RunCommand
{
    private static readonly JsonSerializerOptions FileJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    internal static string Serialize(object value) => JsonSerializer.Serialize(value, FileJson);

    /// <summary>The CONTRACTS object: visits, detectorVisits, stages, rows, association, perVisit; plus run details.</summary>
    internal static object ToJson(PipelineRunReport report, Settings settings, LoadedSurvey survey)
    {
        var stages = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var stage in PipelineRunReport.StageOrder.Concat(report.Stages.Keys.Where(k => !PipelineRunReport.StageOrder.Contains(k)).Order(StringComparer.Ordinal)))
        {
            var t = report.Stages.GetValueOrDefault(stage);
            stages[stage] = new { seconds = Math.Round(t.Seconds, 4), calls = t.Calls };
        }

        return new
        {
            visits = report.Visits,
            detectorVisits = report.DetectorVisits,
            stages,
            rows = report.Rows,
            association = new
            {
                purity = Round(report.Association.Purity),
                completeness = Round(report.Association.Completeness),
                minSnr = 10,
                matched = report.Association.Matched,
                expected = report.Association.Expected,
            },
            newObjects = new
            {
                minTruthSnr = NewObjectScorer.MinTruthSnr,
                transients = report.NewObjects.Transients,
                withDiaObject = report.NewObjects.WithDiaObject,
                completeness = RoundOrNull(report.NewObjects.Completeness),
                laterSources = report.NewObjects.LaterSources,
                laterOnSameObject = report.NewObjects.LaterOnSameObject,
                laterAssociation = RoundOrNull(report.NewObjects.LaterAssociation),
            },
            perVisit = report.PerVisit.Select(v => new
            {
                visit = v.Visit,
                historyVisits = v.HistoryVisits,
                detectorVisits = v.DetectorVisits,
                apdbReadSeconds = Math.Round(v.ApdbReadSeconds, 4),
                apdbWriteSeconds = Math.Round(v.ApdbWriteSeconds, 4),
            }),
            forcedPhot = report.ForcedPhot.Select(p => new { targets = p.Targets, seconds = Math.Round(p.Seconds, 5) }),
            skipped = report.Skipped,
            failed = report.Failed,
            failure = report.Failure,
            wallSeconds = Math.Round(report.WallSeconds, 3),
            workers = report.Workers,
            frontEnd = settings.FrontEnd,
            preset = survey.Preset.Name,
            seed = survey.Seed,
            historyMonths = survey.Months,
            alerts = settings.AlertsDir is { } alertsDir ? new
            {
                dir = Path.GetFullPath(alertsDir),
                format = settings.AlertFormat,
                files = report.Rows.GetValueOrDefault("alertFiles"),
                packets = report.Rows.GetValueOrDefault("alerts"),
                bytes = report.Rows.GetValueOrDefault("alertBytes"),
                seconds = Math.Round(report.Stages.GetValueOrDefault("alerts").Seconds, 4),
            } : null,
        };
    }

    /// <summary>A ratio for the JSON: null when there was nothing to score (never NaN).</summary>
    private static double? Round(double value) => double.IsFinite(value) ? Math.Round(value, 5) : null;

    private static double? RoundOrNull(double? value) => value is { } v ? Round(v) : null;

    private static void Print(PipelineRunReport report, Settings settings, LoadedSurvey survey, string command)
    {
        foreach (var skipped in report.Skipped)
        {
            Console.WriteLine(skipped);
        }

        var totals = report.Stages.Where(kv => kv.Key != "simulate").Sum(kv => kv.Value.Seconds);
        var table = new Table().Border(TableBorder.Rounded).Title("time per stage (summed over detector-visits)")
            .AddColumn("stage").AddColumn("calls", c => c.RightAligned()).AddColumn("seconds", c => c.RightAligned())
            .AddColumn("ms / detector-visit", c => c.RightAligned()).AddColumn("share", c => c.RightAligned());
        foreach (var stage in PipelineRunReport.StageOrder.Concat(["simulate"]))
        {
            if (!report.Stages.TryGetValue(stage, out var t))
            {
                table.AddRow(stage, "0", "-", "-", "-");
                continue;
            }

            var share = stage == "simulate" || totals <= 0 ? "(not counted)" : (t.Seconds / totals).ToString("P1", CultureInfo.InvariantCulture);
            table.AddRow(stage, t.Calls.ToString(CultureInfo.InvariantCulture), t.Seconds.ToString("F3", CultureInfo.InvariantCulture),
                (1000 * t.Seconds / Math.Max(1, t.Calls)).ToString("F1", CultureInfo.InvariantCulture), share);
        }

        AnsiConsole.Write(table);
        var rows = new Table().Border(TableBorder.Rounded).Title("rows").AddColumn("what").AddColumn("count", c => c.RightAligned());
        foreach (var (name, count) in report.Rows.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            rows.AddRow(name, count.ToString("N0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(rows);
        if (report.PerVisit.Count > 0)
        {
            var visits = new Table().Border(TableBorder.Rounded).Title("APDB time per visit (sums over its detectors)")
                .AddColumn("visit").AddColumn("history visits", c => c.RightAligned()).AddColumn("detectors", c => c.RightAligned())
                .AddColumn("read s", c => c.RightAligned()).AddColumn("write s", c => c.RightAligned());
            foreach (var v in report.PerVisit)
            {
                visits.AddRow(v.Visit.ToString(CultureInfo.InvariantCulture), v.HistoryVisits.ToString(CultureInfo.InvariantCulture),
                    v.DetectorVisits.ToString(CultureInfo.InvariantCulture), v.ApdbReadSeconds.ToString("F3", CultureInfo.InvariantCulture),
                    v.ApdbWriteSeconds.ToString("F3", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(visits);
        }

        var a = report.Association;
        Console.WriteLine(a.Matched > 0 && a.Expected > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"association vs truth (S/N >= 10): purity {a.Purity:P2} ({a.Correct}/{a.Matched}), completeness {a.Completeness:P2} ({a.Found}/{a.Expected})")
            : string.Create(CultureInfo.InvariantCulture, $"association vs truth: nothing to score ({a.Matched} matched, {a.Expected} expected sources with S/N >= 10)"));
        Console.WriteLine(NewObjectsLine(report.NewObjects));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{command}: {report.DetectorVisits} detector-visits of {report.Visits} visits ({survey.Preset.Name}, seed {survey.Seed}, {survey.Months}-month history, front end {settings.FrontEnd}) in {report.WallSeconds:F1} s with {report.Workers} workers"));
        if (settings.TracePath is { } trace)
        {
            Console.WriteLine($"trace: {trace} (open in https://ui.perfetto.dev)");
        }

        if (settings.AlertsDir is { } alertsDir)
        {
            var packets = report.Rows.GetValueOrDefault("alerts");
            var stage = report.Stages.GetValueOrDefault("alerts");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"alerts: {packets:N0} packets in {report.Rows.GetValueOrDefault("alertFiles")} {settings.AlertFormat} file(s) under {Path.GetFullPath(alertsDir)} ({(packets > 0 ? report.Rows.GetValueOrDefault("alertBytes") / (double)packets : 0):N0} bytes per alert, {1000 * stage.Seconds / Math.Max(1, stage.Calls):F1} ms per detector-visit); `apdb alerts show FILE` prints them"));
        }

        if (settings.OutDir is { } outDir && report.DetectorVisits > 0)
        {
            Console.WriteLine($"plots: {Path.Combine(outDir, "stages.png")}, {Path.Combine(outDir, "forced-phot.png")}; JSON: {Path.Combine(outDir, "run.json")}");
        }
    }

    /// <summary>The human report's line on new objects: transients first detectable (truth S/N &gt;= 5) in this run.</summary>
    internal static string NewObjectsLine(NewObjectScore n)
    {
        var inv = CultureInfo.InvariantCulture;
        if (n.Transients == 0)
        {
            return string.Create(inv, $"new objects vs truth: none (no transient first reached truth S/N >= {NewObjectScorer.MinTruthSnr:0} on these detector-visits)");
        }

        var later = n.LaterSources > 0
            ? string.Create(inv, $"{n.LaterOnSameObject}/{n.LaterSources} ({n.LaterAssociation:P2})")
            : "none yet";
        return string.Create(inv,
            $"new objects vs truth (transients first at truth S/N >= {NewObjectScorer.MinTruthSnr:0} here): {n.WithDiaObject}/{n.Transients} got a DiaObject ({n.Completeness:P2}); their later sources on that DiaObject: {later}");
    }
}
