using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Apdb.Cli.Commands;

/// <summary>The log-log plot of association time against N, one series per strategy, slopes in the legend.</summary>
internal static class AssociationPlot
{
    private static readonly Dictionary<string, Color> Colors = new()
    {
        ["brute"] = new Color(214, 39, 40),
        ["memory"] = new Color(31, 119, 180),
        ["sql"] = new Color(44, 160, 44),
        ["q3c"] = new Color(148, 103, 189),
    };

    public static void Save(string path, IReadOnlyList<AssociationBench.Point> points, IReadOnlyDictionary<string, double?> slopes, double radiusArcsec)
    {
        var plot = new Plot();
        foreach (var (strategy, slope) in slopes)
        {
            var series = points.Where(p => p.Strategy == strategy && p.Seconds > 0).OrderBy(p => p.N).ToArray();
            if (series.Length == 0)
            {
                continue;
            }

            var xs = series.Select(p => Math.Log10(p.N)).ToArray();
            var ys = series.Select(p => Math.Log10(p.Seconds)).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.Color = Colors.GetValueOrDefault(strategy, new Color(90, 90, 90));
            scatter.LineWidth = 2;
            scatter.MarkerSize = 9;
            scatter.LegendText = slope is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"{strategy}: slope {s:F2}")
                : $"{strategy}";
        }

        plot.Axes.Bottom.TickGenerator = Decades();
        plot.Axes.Left.TickGenerator = Decades();
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Association time vs catalog size (radius {radiusArcsec}\", sources = 1.3 N)"));
        plot.XLabel("N objects (log scale)");
        plot.YLabel("seconds (log scale)");
        plot.Grid.MajorLineColor = new Color(0, 0, 0, 40);
        plot.Grid.MinorLineColor = new Color(0, 0, 0, 15);
        plot.Grid.MinorLineWidth = 1;
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.Margins(0.08, 0.12);
        plot.SavePng(path, 1000, 650);
    }

    private static NumericAutomatic Decades() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = Label,
    };

    private static string Label(double log10)
    {
        var value = Math.Pow(10, log10);
        return log10 switch
        {
            >= 3 => string.Create(CultureInfo.InvariantCulture, $"1e{log10:0}"),
            >= 0 => value.ToString("0", CultureInfo.InvariantCulture),
            _ => value.ToString("0.####", CultureInfo.InvariantCulture),
        };
    }
}
