namespace Apdb.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class FrontEndCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-fe-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Simulate_writes_raw_calibration_template_and_truth_then_detect_measures_the_science_image()
    {
        var outDir = Path.Combine(_dir, "sim");
        var (code, stdout, stderr) = await CliRunner.RunAsync("--json", "simulate", "--preset", "tiny", "--visit", "0", "--detector", "94",
            "--months", "1", "--window", "1800,1800,256,256", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Contains("\"nanojanskyPerElectron\"", stdout, StringComparison.Ordinal);
        foreach (var file in new[] { "raw.fits", "bias.fits", "dark.fits", "flat.fits", "defects.csv", "template.fits", "science.fits", "reference.csv", "truth.csv", "truth.json" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        Assert.Equal("kind,index,ra,dec,x,y,scienceFlux,templateFlux", File.ReadLines(Path.Combine(outDir, "truth.csv")).First());
        Assert.Equal("id,ra,dec,flux", File.ReadLines(Path.Combine(outDir, "reference.csv")).First());

        var catalog = Path.Combine(_dir, "c.csv");
        (code, stdout, stderr) = await CliRunner.RunAsync("--json", "detect", "--image", Path.Combine(outDir, "science.fits"), "--both-signs", "--out", catalog);
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(catalog);
        Assert.StartsWith("id,x,y,ra,dec,psfFlux,psfFluxErr,apFlux,apFluxErr,snr,ixx,iyy,ixy,flags,pixelFlags_edge,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"sources\"", stdout, StringComparison.Ordinal);
        Assert.EndsWith(",isDipole,parent", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Equal(25, l.Split(',').Length));
    }

    [Fact]
    public async Task Detect_on_a_non_fits_file_fails_in_one_line_naming_it_and_writes_nothing()
    {
        var bad = Path.Combine(_dir, "bad.fits");
        await File.WriteAllTextAsync(bad, "hello\n");
        var catalog = Path.Combine(_dir, "none.csv");
        var (code, _, stderr) = await CliRunner.RunAsync("detect", "--image", bad, "--out", catalog);
        Assert.Equal(1, code);
        Assert.Contains(bad, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(catalog));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public async Task Simulate_rejects_a_bad_detector_and_writes_nothing()
    {
        var outDir = Path.Combine(_dir, "never");
        var (code, _, stderr) = await CliRunner.RunAsync("simulate", "--preset", "tiny", "--visit", "0", "--detector", "189", "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("--detector 189", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Detect_rejects_a_missing_output_directory()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("detect", "--image", Path.Combine(_dir, "x.fits"), "--out", Path.Combine(_dir, "no", "c.csv"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }
}
