using System.Globalization;
using Apdb.Pipeline;
using ScottPlot;

namespace Apdb.Cli.Commands;

internal static partial class RunCommand
{
    /// <summary>Time per stage (the sprint's profile view).</summary>
    internal static void SaveStagesPlot(string path, PipelineRunReport report)
    {
        var plot = new Plot();
        var stages = PipelineRunReport.StageOrder.Concat(report.Stages.ContainsKey("simulate") ? ["simulate"] : Array.Empty<string>()).ToArray();
        var bars = new List<Bar>();
        for (var i = 0; i < stages.Length; i++)
        {
            var t = report.Stages.GetValueOrDefault(stages[i]);
            bars.Add(new Bar
            {
                Position = i,
                Value = t.Calls > 0 ? 1000 * t.Seconds / t.Calls : 0,
                FillColor = stages[i] == "simulate" ? new Color(180, 180, 180) : new Color(31, 119, 180),
            });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, stages.Length).Select(i => (double)i)], stages);
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Mean time per detector-visit by stage ({report.DetectorVisits} detector-visits, {report.Workers} workers)"));
        plot.YLabel("ms per detector-visit");
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, 1200, 600);
    }

    /// <summary>Forced-photometry time against target count.</summary>
    internal static void SaveForcedPhotPlot(string path, PipelineRunReport report)
    {
        var plot = new Plot();
        var points = report.ForcedPhot.Where(p => p.Targets > 0).ToArray();
        if (points.Length > 0)
        {
            var scatter = plot.Add.ScatterPoints(points.Select(p => (double)p.Targets).ToArray(), points.Select(p => 1000 * p.Seconds).ToArray());
            scatter.MarkerSize = 8;
            scatter.Color = new Color(214, 39, 40);
        }

        plot.Title("Forced photometry: time against target count (difference + science, per detector-visit)");
        plot.XLabel("objects measured");
        plot.YLabel("ms");
        plot.SavePng(path, 1000, 600);
    }
}
