using Apdb.Frontend.Measurement;
using Apdb.Frontend.Subtraction;
using Apdb.Imaging;
using Xunit.Abstractions;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>
/// Images the front end must survive: a region of NaN (no data), a saturated star bleeding along a column, an image with
/// no stars. Each gives flags or a clear error, never a crash or a hang.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output) : IDisposable
{
    private const int Size = 512;
    private const double Fwhm = 3.5;
    private const double Noise = 10.0;
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-badinput-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Detection_on_an_image_with_a_nan_quarter_finds_the_stars_elsewhere_and_nothing_inside()
    {
        var stars = Synthetic.Stars(300, Size, 5, 500, 2e5);
        var image = Synthetic.Render(Size, stars, Fwhm, Noise, 9, background: 500);
        for (var y = 0; y < Size / 2; y++)
        {
            Array.Fill(image, float.NaN, y * Size, Size / 2);
        }

        var result = new ImageDetector().Run(Write("nan-quarter.fits", image, new FitsHeader()));
        var inside = result.Sources.Count(s => s.X < (Size / 2) - 1 && s.Y < (Size / 2) - 1);
        var wanted = Bright(stars).Where(s => s.X > (Size / 2) + 10 || s.Y > (Size / 2) + 10).ToList();
        var found = wanted.Count(s => result.Sources.Any(f => Math.Abs(f.X - s.X) < 1.5 && Math.Abs(f.Y - s.Y) < 1.5));
        output.WriteLine($"{result.Sources.Count} sources, {inside} inside the NaN quarter; {found}/{wanted.Count} bright stars outside it; {result.Psf}");
        Assert.Equal(0, inside);
        Assert.True(found >= 0.95 * wanted.Count, $"{found}/{wanted.Count}");
    }

    [Fact]
    public void A_saturated_bleed_column_is_flagged_and_the_other_stars_are_still_found()
    {
        var stars = Synthetic.Stars(200, Size, 6, 500, 1e5);
        var image = Synthetic.Render(Size, stars, Fwhm, Noise, 3, background: 500);
        // A star far past saturation: its core and a 200-pixel bleed along column 300 sit at the full well.
        const float Saturation = 60000;
        for (var y = 150; y < 350; y++)
        {
            for (var x = 299; x <= 301; x++)
            {
                image[(y * Size) + x] = Saturation + 500;
            }
        }

        var header = new FitsHeader();
        header.Set("SATURATE", (double)Saturation, "full well");
        var result = new ImageDetector().Run(Write("bleed.fits", image, header));
        var onColumn = result.Sources.Where(s => Math.Abs(s.X - 300) < 4 && s.Y > 145 && s.Y < 355).ToList();
        var wanted = Bright(stars).Where(s => Math.Abs(s.X - 300) > 12).ToList();
        var found = wanted.Count(s => result.Sources.Any(f => Math.Abs(f.X - s.X) < 1.5 && Math.Abs(f.Y - s.Y) < 1.5));
        output.WriteLine($"{onColumn.Count} sources on the bleed ({string.Join(", ", onColumn.Select(s => $"({s.X:F0},{s.Y:F0}) {s.Flags}"))}); {found}/{wanted.Count} bright stars away from it");
        Assert.NotEmpty(onColumn);
        Assert.All(onColumn, s => Assert.True((s.Flags & (MeasurementFlags.Saturated | MeasurementFlags.CenterMasked)) != 0, $"({s.X:F1},{s.Y:F1}) flags {s.Flags}"));
        Assert.True(found >= 0.95 * wanted.Count, $"{found}/{wanted.Count}");
    }

    [Fact]
    public void An_image_with_no_stars_gives_a_fallback_psf_and_only_noise_peaks()
    {
        var image = Synthetic.Render(Size, [], Fwhm, Noise, 4, background: 500);
        var result = new ImageDetector().Run(Write("empty.fits", image, new FitsHeader()));
        output.WriteLine($"{result.Sources.Count} sources; {result.Psf}");
        Assert.Contains("fallback", result.Psf, StringComparison.Ordinal);
        // A 5-sigma matched-filter threshold on 512^2 pixels of white noise: an expected count of well under one.
        Assert.True(result.Sources.Count <= 3, $"{result.Sources.Count} detections on pure noise");
    }

    [Fact]
    public void A_footprint_covering_the_whole_image_is_one_peak_not_a_split_into_noise()
    {
        // No background subtracted: a pedestal of 10 sigma puts every pixel of the 768^2 noise image in one footprint,
        // which the deblender walks (under its area limit) and must not split on noise.
        const int N = 768;
        var image = Synthetic.Render(N, [], Fwhm, Noise, 5, background: 100);
        var variance = new float[N * N];
        Array.Fill(variance, (float)(Noise * Noise));
        var exposure = new Exposure(N, N, image, variance);
        var (peaks, _) = new Detection.SourceDetector().Detect(exposure, Fwhm);
        output.WriteLine($"{peaks.Count} peaks; footprint area {peaks.FirstOrDefault().FootprintArea}");
        Assert.Single(peaks);
        Assert.Equal(N * N, peaks[0].FootprintArea);
    }

    [Fact]
    public void Kernel_fit_without_stars_is_a_clear_error()
    {
        var science = new Exposure(256, 256, Synthetic.Render(256, [], 3.0, 5.0, 1));
        var template = new Exposure(256, 256, Synthetic.Render(256, [], 3.0, 5.0, 2));
        var ex = Assert.Throws<InvalidOperationException>(() => new AlardLuptonMatcher().Fit(science, template, []));
        Assert.Contains("only 0 clean isolated stars", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Decorrelation_keeps_a_nan_region_nan_and_everything_else_finite()
    {
        const int N = 256;
        var stars = Synthetic.Stars(60, N, 8, 5e3, 2e5);
        var science = new Exposure(N, N, Synthetic.Render(N, stars, 4.0, 5.0, 1)) { Psf = new GaussianPsf(4.0) };
        var template = new Exposure(N, N, Synthetic.Render(N, stars, 2.8, 5.0, 2)) { Psf = new GaussianPsf(2.8) };
        Array.Fill(science.Variance, 25f);
        Array.Fill(template.Variance, 25f);
        var matcher = new AlardLuptonMatcher();
        var fit = matcher.Fit(science, template, [.. stars.Select(s => (s.X, s.Y, s.Flux / 50))]);
        var difference = matcher.Subtract(science, template, fit);
        for (var y = 100; y < 140; y++)
        {
            Array.Fill(difference.Image, float.NaN, (y * N) + 100, 40);
        }

        var (whitened, _) = new DifferenceDecorrelator().Decorrelate(difference, science, template, fit);
        for (var k = 0; k < N * N; k++)
        {
            Assert.Equal(float.IsFinite(difference.Image[k]), float.IsFinite(whitened.Image[k]));
            Assert.True(whitened.Variance[k] > 0);
        }
    }

    private static IEnumerable<(double X, double Y, double Flux)> Bright((double X, double Y, double Flux)[] stars)
    {
        var point = Noise * Math.Sqrt(4 * Math.PI * Math.Pow(Fwhm / GaussianPsf.FwhmPerSigma, 2));
        return stars.Where(s => s.Flux / point >= 10 && s.X > 25 && s.Y > 25 && s.X < Size - 25 && s.Y < Size - 25
            && !stars.Any(o => o != s && o.Flux > 0.5 * s.Flux && Math.Abs(o.X - s.X) < 7 && Math.Abs(o.Y - s.Y) < 7));
    }

    private string Write(string name, float[] image, FitsHeader header)
    {
        var path = Path.Combine(_dir, name);
        FitsFile.Write(path, [new FitsHdu(header, new FitsImage(image, [Size, Size]))]);
        return path;
    }
}
