using System.Text.Json;
using Apdb.Alerts;
using Apdb.Cli.Commands;
using Apdb.Imaging;
using Apdb.Records;
using Apdb.Sky;

namespace Apdb.Cli.Tests;

/// <summary>
/// <c>apdb plot cutouts</c> over an alert file written by the alert writer: the latest alert of the object (or the
/// chosen DiaSource) is drawn, the pixels drawn are the cutout's as astropy reads them, the stretch is astropy's
/// zscale, and bad requests write nothing.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CutoutPlotTests : IDisposable
{
    private const long ObjectId = 4242;
    private const long EarlySource = 101;
    private const long LateSource = 102;
    private const long OtherObjectsSource = 103;

    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cutouts-").FullName;
    private readonly string _alerts;

    public CutoutPlotTests()
    {
        _alerts = Path.Combine(_dir, "alerts");
        Directory.CreateDirectory(_alerts);
        using (var file = File.Create(Path.Combine(_alerts, "visit1-det001.avro")))
        {
            var withoutTemplate = Packet(104, 88, 60000.5, 70, 50);
            AlertFileWriter.WriteContainer(file, [
                Packet(EarlySource, ObjectId, 60000.5, 30, 41), Packet(OtherObjectsSource, 77, 60000.5, 60, 60),
                new AlertPacket
                {
                    DiaSource = withoutTemplate.DiaSource, DiaObject = withoutTemplate.DiaObject, PrvDiaSources = [], PrvDiaForcedSources = [],
                    CutoutScience = withoutTemplate.CutoutScience, CutoutDifference = withoutTemplate.CutoutDifference,
                },
            ]);
        }

        // The later alert sits near the image's corner: part of its cutout is off the image (NaN, NO_DATA).
        using (var file = File.Create(Path.Combine(_alerts, "visit2-det001.avro")))
        {
            AlertFileWriter.WriteContainer(file, [Packet(LateSource, ObjectId, 60001.5, 8.4, 93.2)]);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_latest_alert_of_the_object_is_drawn_as_a_PNG()
    {
        var png = Path.Combine(_dir, "c.png");
        var (code, stdout, stderr) = await CliRunner.RunAsync("--json", "plot", "cutouts", "4242", "--alerts", _alerts, "--out", png);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(LateSource, json.RootElement.GetProperty("diaSourceId").GetInt64());
        AssertPng(png);

        (code, stdout, stderr) = await CliRunner.RunAsync("--json", "plot", "cutouts", "4242", "--source", "101", "--alerts", _alerts, "--out", png);
        Assert.True(code == 0, stderr);
        using var chosen = JsonDocument.Parse(stdout);
        Assert.Equal(EarlySource, chosen.RootElement.GetProperty("diaSourceId").GetInt64());
    }

    [Theory]
    [InlineData("999", null, "DiaObject 999 has no alert")]
    [InlineData("4242", "103", "--source 103 belongs to DiaObject 77")]
    [InlineData("4242", "555", "no alert for DiaSource 555")]
    [InlineData("88", null, "carries no template cutout")]
    public async Task A_request_the_alerts_cannot_answer_is_one_line_and_writes_nothing(string objectId, string? source, string expected)
    {
        var png = Path.Combine(_dir, "none.png");
        string[] args = source is null
            ? ["plot", "cutouts", objectId, "--alerts", _alerts, "--out", png]
            : ["plot", "cutouts", objectId, "--source", source, "--alerts", _alerts, "--out", png];
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, stdout);
        Assert.False(File.Exists(png));
    }

    [Fact]
    public async Task A_missing_alert_directory_names_the_commands_that_write_alerts()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("plot", "cutouts", "4242", "--alerts", Path.Combine(_dir, "nowhere"), "--out", Path.Combine(_dir, "x.png"));
        Assert.Equal(1, code);
        Assert.Contains("apdb demo", stderr, StringComparison.Ordinal);
        Assert.Contains("apdb run --alerts DIR", stderr, StringComparison.Ordinal);
    }

    [AstropyFact]
    public async Task The_pixels_drawn_are_the_cutouts_as_astropy_reads_them_with_astropys_zscale()
    {
        var png = Path.Combine(_dir, "late.png");
        var (code, stdout, stderr) = await CliRunner.RunAsync("--json", "plot", "cutouts", "4242", "--alerts", _alerts, "--out", png);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var packet = AlertFileReader.Read(Path.Combine(_alerts, "visit2-det001.avro")).Single();
        string[] fields = ["cutoutScience", "cutoutTemplate", "cutoutDifference"];
        foreach (var field in fields)
        {
            await File.WriteAllBytesAsync(Path.Combine(_dir, field + ".fits"), (byte[])packet[field]);
        }

        using var oracle = JsonDocument.Parse(TableFileTests.RunPython(AstropyFactAttribute.Python, Script, _dir));
        foreach (var field in fields)
        {
            var stamp = CutoutStamp.Read((byte[])packet[field], field);
            var expected = oracle.RootElement.GetProperty(field);
            Assert.Equal(expected.GetProperty("shape")[0].GetInt32(), stamp.Height);
            Assert.Equal(expected.GetProperty("shape")[1].GetInt32(), stamp.Width);
            var values = expected.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? float.NaN : v.GetSingle()).ToArray();
            Assert.Equal(values, stamp.Pixels);
            Assert.Contains(stamp.Pixels, float.IsNaN);
        }

        var science = json.RootElement.GetProperty("scienceLimits");
        var zscale = oracle.RootElement.GetProperty("zscale");
        Assert.Equal(zscale[0].GetDouble(), science[0].GetDouble(), 1e-6 * Math.Abs(zscale[0].GetDouble()));
        Assert.Equal(zscale[1].GetDouble(), science[1].GetDouble(), 1e-6 * Math.Abs(zscale[1].GetDouble()));
        var half = oracle.RootElement.GetProperty("differenceHalfRange").GetDouble();
        Assert.Equal(half, json.RootElement.GetProperty("differenceLimits")[1].GetDouble(), 1e-6 * half);
    }

    /// <summary>Reads the cutouts with astropy (pixels in FITS order, NaN as null) and computes its ZScaleInterval limits.</summary>
    private const string Script = """
        import json, sys, warnings
        import numpy as np
        from astropy.io import fits
        from astropy.visualization import ZScaleInterval
        warnings.simplefilter("ignore")
        d = sys.argv[1]
        out = {}
        data = {}
        for f in ["cutoutScience", "cutoutTemplate", "cutoutDifference"]:
            a = fits.getdata(f"{d}/{f}.fits", 0).astype(np.float32)
            data[f] = a
            out[f] = {"shape": list(a.shape), "values": [None if np.isnan(v) else float(v) for v in a.ravel()]}
        both = np.concatenate([data["cutoutScience"].ravel(), data["cutoutTemplate"].ravel()])
        out["zscale"] = [float(v) for v in ZScaleInterval().get_limits(both[np.isfinite(both)])]
        diff = data["cutoutDifference"].ravel()
        out["differenceHalfRange"] = float(max(abs(v) for v in ZScaleInterval().get_limits(diff[np.isfinite(diff)])))
        print(json.dumps(out))
        """;

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10_000, $"{path}: {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    private static AlertPacket Packet(long sourceId, long objectId, double mjd, double x, double y)
    {
        var source = new DiaSource
        {
            DiaSourceId = sourceId, DiaObjectId = objectId, MidpointMjdTai = mjd, Visit = 1, Detector = 1, Band = "r",
            X = (float)x, Y = (float)y, Ra = 150, Dec = -30, PsfFlux = 1234, PsfFluxErr = 56, BboxSize = 24,
        };
        var size = Cutout.SizeFor(source.BboxSize);
        return new AlertPacket
        {
            DiaSource = source,
            DiaObject = new DiaObject { DiaObjectId = objectId, Ra = 150, Dec = -30, ValidityStartMjdTai = mjd },
            PrvDiaSources = [],
            PrvDiaForcedSources = [],
            CutoutScience = Cutout.ToFits(Image(x, y, 500, sky: 20, seed: 1), x, y, size),
            CutoutTemplate = Cutout.ToFits(Image(x, y, 300, sky: 20, seed: 2), x, y, size),
            CutoutDifference = Cutout.ToFits(Image(x, y, 200, sky: 0, seed: 3), x, y, size),
        };
    }

    /// <summary>A 120 x 100 calibrated exposure: noise on a sky level with a Gaussian star at (x, y) and a brighter one beside it.</summary>
    private static Exposure Image(double x, double y, double peak, double sky, int seed)
    {
        const int W = 120;
        const int H = 100;
        var random = new Random(seed);
        var image = new float[W * H];
        for (var j = 0; j < H; j++)
        {
            for (var i = 0; i < W; i++)
            {
                var r2 = ((i - x) * (i - x)) + ((j - y) * (j - y));
                var r2b = ((i - x - 7) * (i - x - 7)) + ((j - y + 4) * (j - y + 4));
                image[(j * W) + i] = (float)(sky + (5 * (random.NextDouble() - 0.5)) + (peak * Math.Exp(-r2 / 4.5)) + (3 * peak * Math.Exp(-r2b / 4.5)));
            }
        }

        var scale = 0.2 / 3600;
        return new Exposure(W, H, image, Enumerable.Repeat(4f, W * H).ToArray(), new int[W * H])
        {
            Wcs = new TanWcs(60.5, 50.5, SkyPosition.FromDegrees(150, -30), [-scale, 0, 0, scale]),
            PhotoCalib = new PhotoCalib(2.0),
        };
    }
}
