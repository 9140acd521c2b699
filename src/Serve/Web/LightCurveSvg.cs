using System.Globalization;
using System.Text;

namespace Apdb.Serve.Web;

/// <summary>
/// Draws one band's light curve as SVG on the server: difference-image PSF flux against MJD with 1-sigma error bars,
/// DiaSources filled, forced photometry hollow, axes with round ticks. No script and no plotting library needed.
/// </summary>
public static class LightCurveSvg
{
    private const int Width = 720;
    private const int Height = 240;
    private const int Left = 70;
    private const int Right = 15;
    private const int Top = 22;
    private const int Bottom = 36;

    /// <summary>The SVG element for <paramref name="band"/>'s points (finite ones only), drawn in <paramref name="colour"/>.</summary>
    public static string Draw(string band, string colour, IReadOnlyList<LightCurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var finite = points.Where(p => double.IsFinite(p.Mjd) && double.IsFinite(p.Flux)).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"lightcurve\" data-band=\"{Html.Encode(band)}\" data-points=\"{finite.Count}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"light curve in band {Html.Encode(band)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"15\" class=\"title\">band {Html.Encode(band)}: {finite.Count(p => !p.Forced)} DiaSources, {finite.Count(p => p.Forced)} forced</text>");
        if (finite.Count == 0)
        {
            return svg.Append("</svg>").ToString();
        }

        var (x0, x1) = Range(finite.Select(p => p.Mjd));
        var (y0, y1) = Range(finite.SelectMany(p => new[] { p.Flux - Err(p), p.Flux + Err(p) }));
        double X(double mjd) => Left + ((mjd - x0) / (x1 - x0) * (Width - Left - Right));
        double Y(double flux) => Height - Bottom - ((flux - y0) / (y1 - y0) * (Height - Top - Bottom));
        Axes(svg, x0, x1, y0, y1, X, Y);
        foreach (var p in finite)
        {
            var x = X(p.Mjd);
            var e = Err(p);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"errorbar\" x1=\"{x:F1}\" x2=\"{x:F1}\" y1=\"{Y(p.Flux - e):F1}\" y2=\"{Y(p.Flux + e):F1}\" stroke=\"{colour}\"/>");
            var fill = p.Forced ? "none" : colour;
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"{(p.Forced ? "forced" : "source")}\" cx=\"{x:F1}\" cy=\"{Y(p.Flux):F1}\" r=\"3\" fill=\"{fill}\" stroke=\"{colour}\"><title>MJD {p.Mjd:F5}: {p.Flux:G5} ± {e:G3} nJy{(p.Forced ? " (forced)" : string.Empty)}</title></circle>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static double Err(LightCurvePoint p) => double.IsFinite(p.FluxErr) && p.FluxErr > 0 ? p.FluxErr : 0;

    private static (double Lo, double Hi) Range(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToList();
        var lo = list.Min();
        var hi = list.Max();
        var pad = hi > lo ? (hi - lo) * 0.05 : Math.Max(Math.Abs(lo) * 0.05, 1);
        return (lo - pad, hi + pad);
    }

    private static void Axes(StringBuilder svg, double x0, double x1, double y0, double y1, Func<double, double> x, Func<double, double> y)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#444\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#444\"/>");
        foreach (var t in Ticks(x0, x1))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x(t):F1}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\" class=\"tick\">{t:G7}</text>");
        }

        foreach (var t in Ticks(y0, y1))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{y(t) + 4:F1}\" text-anchor=\"end\" class=\"tick\">{t:G6}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y(t):F1}\" y2=\"{y(t):F1}\" stroke=\"#eee\"/>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 4}\" text-anchor=\"middle\" class=\"label\">MJD (TAI)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{(Top + Height - Bottom) / 2}\" transform=\"rotate(-90 14 {(Top + Height - Bottom) / 2})\" text-anchor=\"middle\" class=\"label\">psfFlux (nJy)</text>");
    }

    /// <summary>About five ticks at 1, 2 or 5 times a power of ten inside [lo, hi].</summary>
    private static List<double> Ticks(double lo, double hi)
    {
        var raw = (hi - lo) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (var t = Math.Ceiling(lo / step) * step; t <= hi; t += step)
        {
            // Round away the float error of t (and the -0 it can leave), so labels read 0.2, not 0.20000000000000004.
            ticks.Add((Math.Round(t / step) * step) + 0.0);
        }

        return ticks;
    }
}
