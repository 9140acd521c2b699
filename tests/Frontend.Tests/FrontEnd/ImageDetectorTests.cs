using Apdb.Imaging;
using Xunit.Abstractions;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class ImageDetectorTests(ITestOutputHelper output) : IDisposable
{
    private const int Size = 512;
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-detect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string Path, (double X, double Y, double Flux)[] Stars, double PointNoise) StarField()
    {
        var stars = Synthetic.Stars(300, Size, 5, 150, 2e5);
        var image = Synthetic.Render(Size, stars, 3.5, 10.0, 9, background: 500);
        var header = new FitsHeader();
        var path = Path.Combine(_dir, "field.fits");
        FitsFile.Write(path, [new FitsHdu(header, new FitsImage(image, [Size, Size]))]);
        return (path, stars, 10.0 * Math.Sqrt(4 * Math.PI * Math.Pow(3.5 / 2.3548, 2)));
    }

    [Fact]
    public void Detection_is_complete_and_psf_fluxes_unbiased_above_snr_10()
    {
        var (path, stars, noise) = StarField();
        var result = new ImageDetector().Run(path);
        var (completeness, median, falses) = Score(stars, noise, result.Sources.Select(s => (s.X, s.Y, s.PsfFlux)).ToList());
        output.WriteLine($"completeness {completeness:P1}, median psfFlux/true {median:F4}, unmatched {falses} of {result.Sources.Count}; {result.Psf}");
        Assert.True(completeness >= 0.95);
        Assert.InRange(median, 0.97, 1.03);
    }

    [Fact]
    public void Sextractor_peer_finds_no_more_and_we_find_no_more_false_sources()
    {
        if (!SourceExtractor.Available(output.WriteLine))
        {
            return;
        }

        var (path, stars, noise) = StarField();
        var ours = new ImageDetector().Run(path).Sources.Select(s => (s.X, s.Y, s.PsfFlux)).ToList();
        var theirs = SourceExtractor.Run(path, _dir);
        var (c1, m1, f1) = Score(stars, noise, ours);
        var (c2, m2, f2) = Score(stars, noise, theirs);
        output.WriteLine($"ours: completeness {c1:P1}, median flux ratio {m1:F4}, unmatched {f1} of {ours.Count}; SExtractor (defaults, FLUX_AUTO): {c2:P1}, {m2:F4}, unmatched {f2} of {theirs.Count}");
        Assert.True(c1 >= c2 - 0.005, "completeness at S/N >= 10 below SExtractor's");
        Assert.True(f1 <= f2 + 2, "more unmatched detections than SExtractor");
    }

    [Fact]
    public void Non_fits_file_is_a_one_line_error_naming_the_file()
    {
        var path = Path.Combine(_dir, "notes.fits");
        File.WriteAllText(path, "this is not FITS\n");
        AssertOneLineError(path);
    }

    [Fact]
    public void Truncated_file_is_a_one_line_error_naming_the_file()
    {
        var (path, _, _) = StarField();
        var bytes = File.ReadAllBytes(path);
        var truncated = Path.Combine(_dir, "truncated.fits");
        File.WriteAllBytes(truncated, bytes[..(2880 + 5000)]);
        AssertOneLineError(truncated);
    }

    [Fact]
    public void Unsupported_bitpix_is_a_one_line_error_naming_the_file()
    {
        var path = Path.Combine(_dir, "bitpix24.fits");
        var cards = new[] { "SIMPLE  =                    T", "BITPIX  =                   24", "NAXIS   =                    2", "NAXIS1  =                    4", "NAXIS2  =                    4", "END" };
        var header = string.Concat(cards.Select(c => c.PadRight(80))).PadRight(2880);
        File.WriteAllBytes(path, [.. System.Text.Encoding.ASCII.GetBytes(header), .. new byte[2880]]);
        AssertOneLineError(path);
    }

    [Fact]
    public void All_nan_image_is_a_one_line_error_naming_the_file()
    {
        var path = Path.Combine(_dir, "nan.fits");
        var image = new float[64 * 64];
        Array.Fill(image, float.NaN);
        FitsFile.Write(path, [new FitsHdu(new FitsHeader(), new FitsImage(image, [64, 64]))]);
        var message = AssertOneLineError(path);
        Assert.Contains("NaN", message, StringComparison.Ordinal);
    }

    private static string AssertOneLineError(string path)
    {
        var ex = Assert.Throws<FitsException>(() => new ImageDetector().Run(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }

    private static (double Completeness, double MedianRatio, int Unmatched) Score((double X, double Y, double Flux)[] stars, double noise, List<(double X, double Y, double Flux)> found)
    {
        // Stars at S/N >= 10 with no star of at least half their flux within 2 FWHM (unresolvable blends excluded).
        var bright = stars.Where(s => s.Flux / noise >= 10 && s.X > 25 && s.Y > 25 && s.X < Size - 25 && s.Y < Size - 25
            && !stars.Any(o => o != s && o.Flux > 0.5 * s.Flux && Math.Abs(o.X - s.X) < 7 && Math.Abs(o.Y - s.Y) < 7)).ToList();
        var matched = 0;
        var ratios = new List<double>();
        foreach (var s in bright)
        {
            var near = found.Where(f => Math.Abs(f.X - s.X) < 1.5 && Math.Abs(f.Y - s.Y) < 1.5).ToList();
            if (near.Count > 0)
            {
                matched++;
                var isolated = !stars.Any(o => o != s && Math.Abs(o.X - s.X) < 12 && Math.Abs(o.Y - s.Y) < 12);
                if (isolated)
                {
                    ratios.Add(near[0].Flux / s.Flux);
                }
            }
        }

        var unmatched = found.Count(f => !stars.Any(s => Math.Abs(f.X - s.X) < 3 && Math.Abs(f.Y - s.Y) < 3));
        ratios.Sort();
        return ((double)matched / bright.Count, ratios.Count == 0 ? double.NaN : ratios[ratios.Count / 2], unmatched);
    }
}
