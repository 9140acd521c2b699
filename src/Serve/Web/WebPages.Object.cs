using System.Globalization;
using System.Text;
using Apdb.Serve.Tap;
using Microsoft.AspNetCore.Http;

namespace Apdb.Serve.Web;

/// <summary>One DiaObject: its light curve per band and its versions.</summary>
public static partial class WebPages
{
    private static readonly (string Band, string Colour)[] Bands =
        [("u", "#56b4e9"), ("g", "#009e73"), ("r", "#d55e00"), ("i", "#cc79a7"), ("z", "#e69f00"), ("y", "#0072b2")];

    private static async Task<IResult> ObjectAsync(HttpContext http, TapQueryRunner runner, string idText)
    {
        if (!long.TryParse(idText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            return Results.Content(Html.Page("DiaObject", $"<p class=\"error\">'{Html.Encode(idText)}' is not a diaObjectId</p>"), HtmlType, statusCode: StatusCodes.Status400BadRequest);
        }

        var versions = await runner.ReadAsync(
            "SELECT \"validityStartMjdTai\", \"validityEndMjdTai\", \"nDiaSources\", \"ra\", \"dec\", "
            + string.Join(", ", Bands.Select(b => SqlQuoted($"{b.Band}_psfFluxMean"))) + " FROM \"DiaObject\" WHERE \"diaObjectId\" = @id ORDER BY 1",
            [new("id", id)], http.RequestAborted);
        if (versions.Count == 0)
        {
            return Results.Content(Html.Page($"DiaObject {id}", "<p class=\"error\">no such DiaObject in the APDB</p>"), HtmlType, statusCode: StatusCodes.Status404NotFound);
        }

        var points = await runner.ReadAsync(
            "SELECT kind, \"midpointMjdTai\", band, \"psfFlux\", \"psfFluxErr\" FROM light_curve(@id)", [new("id", id)], http.RequestAborted);
        var body = new StringBuilder();
        var last = versions[^1];
        body.Append(CultureInfo.InvariantCulture, $"<p>ra {Html.Number(last[3], "F6")}, dec {Html.Number(last[4], "F6")}; {points.Count(p => (string)p[0]! == "source")} DiaSources, {points.Count(p => (string)p[0]! == "forced")} forced measurements. Filled: DiaSources; hollow: forced photometry; bars: 1 sigma.</p>");
        body.Append("<h2>Light curve</h2><div id=\"lightcurves\">");
        foreach (var (band, colour) in Bands)
        {
            var inBand = points.Where(p => string.Equals(((string?)p[2])?.Trim(), band, StringComparison.Ordinal))
                .Select(p => new LightCurvePoint(Convert.ToDouble(p[1], CultureInfo.InvariantCulture), ToDouble(p[3]), ToDouble(p[4]), (string)p[0]! == "forced"))
                .ToList();
            if (inBand.Count > 0)
            {
                body.Append(LightCurveSvg.Draw(band, colour, inBand));
            }
        }

        body.Append("</div><h2>DiaObject versions</h2><table class=\"sortable\" id=\"versions\"><thead><tr><th>validity start</th><th>validity end</th><th>nDiaSources</th><th>ra</th><th>dec</th>");
        body.Append(string.Concat(Bands.Select(b => $"<th>{b.Band} psfFluxMean</th>"))).Append("</tr></thead><tbody>\n");
        foreach (var v in versions)
        {
            body.Append("<tr>").Append(string.Concat(v.Select((cell, i) => $"<td>{Html.Number(cell, i < 2 ? "F5" : i < 5 && i > 2 ? "F6" : "G6")}</td>"))).Append("</tr>\n");
        }

        body.Append("</tbody></table>");
        return Results.Content(Html.Page($"DiaObject {id}", body.ToString()), HtmlType);
    }

    private static double ToDouble(object? value) => value is null ? double.NaN : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static string SqlQuoted(string name) => Catalog.SqlText.Identifier(name);
}
