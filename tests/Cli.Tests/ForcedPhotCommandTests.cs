using System.Globalization;
using Apdb.ForcedPhot;
using Apdb.Imaging;

namespace Apdb.Cli.Tests;

/// <summary><c>apdb forced-phot</c> on a small FITS image of Gaussian stars with known fluxes.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ForcedPhotCommandTests : IDisposable
{
    private const int Size = 160;
    private const double Fwhm = 3.0;
    private const double Noise = 10.0;
    private static readonly (double X, double Y, double Flux)[] Stars =
    [
        (40.3, 50.6, 20000), (110.7, 40.2, 8000), (80.5, 120.4, 50000), (30.0, 130.0, 3000),
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-fp-cli-").FullName;

    public ForcedPhotCommandTests()
    {
        // A primary-HDU image without WCS, mask or variance: the command estimates the background and the variance.
        var random = new Random(5);
        var image = new float[Size * Size];
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)(100 + (Noise * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())));
        }

        var psf = new GaussianPsf(Fwhm);
        var stamp = new float[21 * 21];
        foreach (var (x, y, flux) in Stars)
        {
            psf.ComputeStamp(x, y, 10, stamp);
            for (var j = 0; j < 21; j++)
            {
                for (var i = 0; i < 21; i++)
                {
                    image[((Psf.StampCentre(y) - 10 + j) * Size) + Psf.StampCentre(x) - 10 + i] += (float)(flux * stamp[(j * 21) + i]);
                }
            }
        }

        FitsFile.Write(ImagePath, [new FitsHdu(new FitsHeader(), new FitsImage(image, [Size, Size]))]);
    }

    private string ImagePath => Path.Combine(_dir, "image.fits");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Stars_are_measured_at_their_fluxes_blank_sky_at_zero_and_a_position_off_the_image_is_flagged()
    {
        var positions = WritePositions("id,x,y", Stars.Select((s, i) => $"star{i},{F(s.X)},{F(s.Y)}").Concat(["blank,140.0,140.0", "off,-50,20"]));
        var output = Path.Combine(_dir, "out.csv");
        var (code, stdout, stderr) = await CliRunner.RunAsync("--json", "forced-phot", "--image", ImagePath, "--positions", positions, "--psf-fwhm", F(Fwhm), "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("\"jit\"", stdout, StringComparison.Ordinal);
        var lines = File.ReadAllLines(output);
        Assert.Equal("id,x,y,psfFlux,psfFluxErr,chi2,flags,psfFlux_flag,psfFlux_flag_edge,psfFlux_flag_noGoodPixels,pixelFlags_offimage", lines[0]);
        Assert.Equal(Stars.Length + 3, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0]);
        for (var i = 0; i < Stars.Length; i++)
        {
            var row = rows[$"star{i}"];
            var (flux, err) = (double.Parse(row[3], CultureInfo.InvariantCulture), double.Parse(row[4], CultureInfo.InvariantCulture));
            Assert.True(Math.Abs(flux - Stars[i].Flux) < 5 * err, $"star {i}: {flux} +- {err} against {Stars[i].Flux}");
            Assert.Equal("0", row[6]);
        }

        var blank = rows["blank"];
        Assert.True(Math.Abs(double.Parse(blank[3], CultureInfo.InvariantCulture)) < 5 * double.Parse(blank[4], CultureInfo.InvariantCulture));
        Assert.Equal("NaN", rows["off"][3]);
        Assert.Equal(((int)ForcedPhotFlags.OffImage).ToString(CultureInfo.InvariantCulture), rows["off"][6]);
        Assert.Equal(["True", "False", "False", "True"], rows["off"][7..]);
        Assert.Equal(["False", "False", "False", "False"], rows["star0"][7..]);
    }

    [Fact]
    public async Task The_PSF_is_estimated_from_the_image_when_no_FWHM_is_given()
    {
        var positions = WritePositions("id,x,y", Stars.Select((s, i) => $"{i},{F(s.X)},{F(s.Y)}"));
        var output = Path.Combine(_dir, "out.csv");
        var (code, stdout, stderr) = await CliRunner.RunAsync("--json", "forced-phot", "--image", ImagePath, "--positions", positions, "--out", output);

        // Four stars are too few for a pixelized model: a Gaussian of their median FWHM.
        Assert.True(code == 0, stderr);
        Assert.Contains("Gaussian", stdout, StringComparison.Ordinal);
        var flux = double.Parse(File.ReadAllLines(output)[3].Split(',')[3], CultureInfo.InvariantCulture);
        Assert.InRange(flux / Stars[2].Flux, 0.98, 1.02);
    }

    [Fact]
    public async Task An_empty_position_list_gives_the_header_alone()
    {
        var positions = WritePositions("id,x,y", []);
        var output = Path.Combine(_dir, "out.csv");
        var (code, _, stderr) = await CliRunner.RunAsync("forced-phot", "--image", ImagePath, "--positions", positions, "--psf-fwhm", "3", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Equal(["id,x,y,psfFlux,psfFluxErr,chi2,flags,psfFlux_flag,psfFlux_flag_edge,psfFlux_flag_noGoodPixels,pixelFlags_offimage"], File.ReadAllLines(output));
    }

    [Theory]
    [InlineData("id,x,y", "1,NaN,20", ":2: column 'x': 'NaN' is not finite")]
    [InlineData("id,x,y", "1,20", ":2: expected 3 values, found 2")]
    [InlineData("id,ra,dec", "1,10.0,95", ":2: column 'dec': '95' is outside [-90, 90]")]
    [InlineData("id,x,y", "1,20,abc", ":2: column 'y': 'abc' is not a number")]
    [InlineData("id,ra,dec", "1,10.0,-20.0", "has no usable WCS")]
    [InlineData("name,u,v", "1,2,3", ":1: header 'name,u,v' needs the columns id,x,y or id,ra,dec")]
    public async Task Bad_positions_fail_in_one_line_naming_the_file_and_write_nothing(string header, string row, string expected)
    {
        var positions = WritePositions(header, [row]);
        var output = Path.Combine(_dir, "out.csv");
        var (code, _, stderr) = await CliRunner.RunAsync("forced-phot", "--image", ImagePath, "--positions", positions, "--psf-fwhm", "3", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains(positions, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public async Task A_bad_estimator_or_FWHM_is_refused()
    {
        var positions = WritePositions("id,x,y", ["1,20,20"]);
        var output = Path.Combine(_dir, "out.csv");
        var (code, _, stderr) = await CliRunner.RunAsync("forced-phot", "--image", ImagePath, "--positions", positions, "--estimator", "median", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("--estimator 'median'", stderr, StringComparison.Ordinal);
        (code, _, stderr) = await CliRunner.RunAsync("forced-phot", "--image", ImagePath, "--positions", positions, "--psf-fwhm", "-2", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("--psf-fwhm -2", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task An_output_that_is_the_image_or_the_positions_is_refused_and_the_inputs_are_untouched()
    {
        var positions = WritePositions("id,x,y", ["1,20,20"]);
        var image = await File.ReadAllBytesAsync(ImagePath);
        var link = Path.Combine(_dir, "image-link.fits");
        File.CreateSymbolicLink(link, ImagePath);

        var (code, _, stderr) = await CliRunner.RunAsync("forced-phot", "--image", ImagePath, "--positions", positions, "--psf-fwhm", "3", "--out", positions);
        Assert.Equal(1, code);
        Assert.Contains($"--out {positions} is the input --positions {positions}", stderr, StringComparison.Ordinal);
        Assert.Equal(["id,x,y", "1,20,20"], await File.ReadAllLinesAsync(positions));

        (code, _, stderr) = await CliRunner.RunAsync("forced-phot", "--image", ImagePath, "--positions", positions, "--psf-fwhm", "3", "--out", link);
        Assert.Equal(1, code);
        Assert.Contains($"is the input --image {ImagePath}", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync("detect", "--image", link, "--out", ImagePath);
        Assert.Equal(1, code);
        Assert.Contains($"--out {ImagePath} is the input --image {link}", stderr, StringComparison.Ordinal);
        Assert.Equal(image, await File.ReadAllBytesAsync(ImagePath));
    }

    private string WritePositions(string header, IEnumerable<string> rows)
    {
        var path = Path.Combine(_dir, $"positions-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, new[] { header }.Concat(rows));
        return path;
    }

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
