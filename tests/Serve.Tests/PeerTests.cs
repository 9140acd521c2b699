using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Apdb.Serve.Tests;

[Collection(ServeCollection.Name)]
public sealed partial class PeerTests
{
    private readonly ServeFixture _serve;

    public PeerTests(ServeFixture serve)
    {
        _serve = serve;
    }

    [PeerFact(Peers.Pyvo)]
    public async Task Pyvo_sync_and_async_cone_queries_equal_dia_objects_in_cone()
    {
        (double Ra, double Dec, double Radius)[] cones = [(60.0, -62.0, 0.05), (60.02, -61.97, 0.02), (59.9, -62.05, 0.1), (61.0, -60.0, 0.01)];
        var script = Path.Combine(AppContext.BaseDirectory, "oracles", "pyvo_cones.py");
        var args = new List<string> { script, _serve.TapUrl.ToString().TrimEnd('/') };
        args.AddRange(cones.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Ra},{c.Dec},{c.Radius}")));
        var (exit, stdout, stderr) = await ProcessRun.RunAsync(Peers.Python ?? "python3", args, TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"pyvo_cones.py failed: {stderr}");
        using var answers = JsonDocument.Parse(stdout);
        var nonEmpty = 0;
        foreach (var (answer, cone) in answers.RootElement.EnumerateArray().Zip(cones))
        {
            var expected = await _serve.ScalarsAsync(string.Create(CultureInfo.InvariantCulture,
                $"SELECT \"diaObjectId\" FROM dia_objects_in_cone({cone.Ra}, {cone.Dec}, {cone.Radius}) ORDER BY 1"));
            Assert.Equal(expected, answer.GetProperty("sync").EnumerateArray().Select(v => v.GetInt64()));
            Assert.Equal(expected, answer.GetProperty("async").EnumerateArray().Select(v => v.GetInt64()));
            nonEmpty += expected.Count > 0 ? 1 : 0;
        }

        Assert.Equal(3, nonEmpty);
    }

    [PeerFact(Peers.Stilts)]
    public async Task Taplint_reports_no_errors()
    {
        var (exit, stdout, stderr) = await ProcessRun.RunAsync(Peers.StiltsPath ?? "stilts",
            ["taplint", $"tapurl={_serve.TapUrl.ToString().TrimEnd('/')}", "report=EWS", "maxrepeat=4", "truncate=200"], TimeSpan.FromSeconds(300));
        var log = Path.Combine(AppContext.BaseDirectory, "taplint.log");
        await File.WriteAllTextAsync(log, stdout + stderr);
        Assert.True(exit == 0, $"taplint exited {exit}: {stderr}");
        var totals = Totals().Match(stdout);
        Assert.True(totals.Success, $"no totals line in taplint's output (see {log})");
        Assert.True(totals.Groups[1].Value == "0", $"taplint: {totals.Value} (see {log})");
    }

    [GeneratedRegex(@"Totals:\s+Errors:\s+(\d+);\s+Warnings:\s+(\d+)")]
    private static partial Regex Totals();
}
