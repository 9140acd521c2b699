using System.Globalization;
using System.Text;
using Apdb.Serve.Tap;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Apdb.Serve.Web;

/// <summary>
/// The web page: a cone search giving a sortable table of DiaObjects, one object's light curve per band and its
/// DiaObject versions, and the latest <c>apdb run</c> report. Server-rendered; every read goes through the same
/// read-only runner as TAP.
/// </summary>
public static partial class WebPages
{
    private const string HtmlType = "text/html; charset=utf-8";
    private const int ConeRowLimit = 2000;

    /// <summary>Adds the pages to <paramref name="routes"/>.</summary>
    public static void Map(IEndpointRouteBuilder routes, TapQueryRunner runner)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/", (Func<HttpContext, Task<IResult>>)(http => ConeAsync(http, runner)));
        routes.MapGet("/object/{id}", (HttpContext http, string id) => ObjectAsync(http, runner, id));
        routes.MapGet("/report", () => Report(runner.Options.ReportDirectory));
        routes.MapGet("/report/{file}", (string file) => ReportFile(runner.Options.ReportDirectory, file));
    }

    private static async Task<IResult> ConeAsync(HttpContext http, TapQueryRunner runner)
    {
        var q = http.Request.Query;
        var body = new StringBuilder();
        var ra = q["ra"].ToString();
        var dec = q["dec"].ToString();
        var radius = q["radius"].ToString();
        body.Append(CultureInfo.InvariantCulture, $"""
            <form method="get" action="/" id="cone">
            <label>RA (deg) <input name="ra" id="ra" value="{Html.Encode(ra)}" placeholder="60.0"></label>
            <label>Dec (deg) <input name="dec" id="dec" value="{Html.Encode(dec)}" placeholder="-62.0"></label>
            <label>radius (deg) <input name="radius" id="radius" value="{Html.Encode(radius)}" placeholder="0.05"></label>
            <button type="submit" id="search">Search</button></form>
            """);
        if (ra.Length + dec.Length + radius.Length == 0)
        {
            return Results.Content(Html.Page("Cone search", body.ToString()), HtmlType);
        }

        if (!TryCone(ra, dec, radius, out var cone, out var problem))
        {
            body.Append(CultureInfo.InvariantCulture, $"<p class=\"error\">{Html.Encode(problem)}</p>");
            return Results.Content(Html.Page("Cone search", body.ToString()), HtmlType, statusCode: StatusCodes.Status400BadRequest);
        }

        var rows = await runner.ReadAsync(
            "SELECT \"diaObjectId\", \"ra\", \"dec\", \"nDiaSources\", \"firstDiaSourceMjdTai\", \"lastDiaSourceMjdTai\", "
            + "healpix_angdist_deg(@ra, @dec, \"ra\", \"dec\") * 3600 FROM dia_objects_in_cone(@ra, @dec, @r) ORDER BY 7 LIMIT @limit",
            [new("ra", cone.Ra), new("dec", cone.Dec), new("r", cone.Radius), new("limit", ConeRowLimit + 1)],
            http.RequestAborted);
        body.Append(CultureInfo.InvariantCulture, $"<p id=\"count\">{Math.Min(rows.Count, ConeRowLimit)} DiaObjects{(rows.Count > ConeRowLimit ? $" (the nearest {ConeRowLimit}; narrow the cone for the rest)" : string.Empty)}</p>");
        body.Append("<table class=\"sortable\" id=\"objects\"><thead><tr><th>diaObjectId</th><th>ra</th><th>dec</th><th>nDiaSources</th><th>first MJD</th><th>last MJD</th><th>distance (\")</th></tr></thead><tbody>\n");
        foreach (var row in rows.Take(ConeRowLimit))
        {
            var id = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
            body.Append(CultureInfo.InvariantCulture, $"<tr><td data-value=\"{id}\"><a href=\"/object/{id}\">{id}</a></td>");
            body.Append(CultureInfo.InvariantCulture, $"<td>{Html.Number(row[1], "F6")}</td><td>{Html.Number(row[2], "F6")}</td><td>{Html.Number(row[3])}</td>");
            body.Append(CultureInfo.InvariantCulture, $"<td>{Html.Number(row[4], "F4")}</td><td>{Html.Number(row[5], "F4")}</td><td>{Html.Number(row[6], "F2")}</td></tr>\n");
        }

        body.Append("</tbody></table>");
        return Results.Content(Html.Page("Cone search", body.ToString()), HtmlType);
    }

    private static bool TryCone(string ra, string dec, string radius, out (double Ra, double Dec, double Radius) cone, out string problem)
    {
        cone = default;
        problem = string.Empty;
        var values = new double[3];
        var names = new[] { ("RA", ra), ("Dec", dec), ("radius", radius) };
        for (var i = 0; i < 3; i++)
        {
            if (!double.TryParse(names[i].Item2, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                problem = $"{names[i].Item1} '{names[i].Item2}' is not a number of degrees";
                return false;
            }
        }

        try
        {
            _ = new Apdb.Sky.SkyCone(Apdb.Sky.SkyPosition.FromDegrees(values[0], values[1]), values[2]);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            problem = ex.Message.Split(" (Parameter", 2)[0];
            return false;
        }

        cone = (values[0], values[1], values[2]);
        return true;
    }
}
