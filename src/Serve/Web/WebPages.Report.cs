using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Apdb.Serve.Web;

/// <summary>The latest <c>apdb run</c> report: run.json's stage times and association figures, and its plots.</summary>
public static partial class WebPages
{
    private static IResult Report(string? directory)
    {
        var path = directory is null ? null : Path.Combine(directory, "run.json");
        if (path is null || !File.Exists(path))
        {
            var where = directory is null ? "no report directory was given (apdb serve --report DIR)" : $"{Html.Encode(path)} does not exist yet: run 'apdb run' or 'apdb demo'";
            return Results.Content(Html.Page("Latest run", $"<p id=\"no-report\">{where}</p>"), HtmlType);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p>From {Html.Encode(path)}, written {File.GetLastWriteTimeUtc(path):yyyy-MM-dd HH:mm} UTC. {Scalar(root, "visits")} visits, {Scalar(root, "detectorVisits")} detector-visits.</p>");
        if (root.TryGetProperty("association", out var association))
        {
            body.Append("<h2>Association against the simulation's truth</h2><table id=\"association\"><tbody>");
            foreach (var p in association.EnumerateObject())
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr><th>{Html.Encode(p.Name)}</th><td>{Html.Encode(p.Value.ToString())}</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        if (root.TryGetProperty("stages", out var stages))
        {
            body.Append("<h2>Stage times</h2><table class=\"sortable\" id=\"stages\"><thead><tr><th>stage</th><th>seconds</th><th>calls</th></tr></thead><tbody>");
            foreach (var s in stages.EnumerateObject())
            {
                body.Append(CultureInfo.InvariantCulture, $"<tr><td>{Html.Encode(s.Name)}</td><td>{Html.Encode(Scalar(s.Value, "seconds"))}</td><td>{Html.Encode(Scalar(s.Value, "calls"))}</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        foreach (var png in Directory.EnumerateFiles(directory!, "*.png").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(png);
            body.Append(CultureInfo.InvariantCulture, $"<h2>{Html.Encode(name)}</h2><img src=\"/report/{Uri.EscapeDataString(name)}\" alt=\"{Html.Encode(name)}\" style=\"max-width:100%\">");
        }

        return Results.Content(Html.Page("Latest run", body.ToString()), HtmlType);
    }

    private static IResult ReportFile(string? directory, string file)
    {
        // Only a plain file name of a plot in the report directory: no path separators, no other kinds of file.
        if (directory is null || file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal) || file.StartsWith('.') || !file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            return Results.NotFound();
        }

        var path = Path.Combine(directory, file);
        return File.Exists(path) ? Results.File(Path.GetFullPath(path), "image/png") : Results.NotFound();
    }

    private static string Scalar(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.ToString() : string.Empty;
}
