using Apdb.ForcedPhot;
using Apdb.Frontend.Measurement;
using Apdb.Frontend.Subtraction;
using Apdb.Imaging;
using Xunit.Abstractions;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>
/// The decorrelation afterburner (Kaiser 2004; Rubin's DMTN-021): after it the difference's noise is white, so PSF-fit
/// flux errors computed from the variance plane are honest. Pulls (measured - true) / error at blank positions and at
/// injected point sources, in both subtraction modes, with a template as noisy per pixel as the science so its
/// convolved, correlated noise matters.
/// </summary>
public sealed class DecorrelationTests(ITestOutputHelper output)
{
    private const int Size = 1024;
    private const double ScienceNoise = 5.0;
    private const double TemplateNoise = 5.0;
    private const double InjectedFlux = 3000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decorrelated_difference_has_pulls_of_unit_sigma_at_blank_positions_and_injected_sources(bool convolveScience)
    {
        // The convolved side is the sharper one: template 2.8 px under a 4.2-px science, or the reverse.
        var (scienceFwhm, templateFwhm) = convolveScience ? (2.8, 4.2) : (4.2, 2.8);
        var (science, template, stars, injected) = Scene(scienceFwhm, templateFwhm);
        var matcher = new AlardLuptonMatcher();
        var sigmaPoint = ScienceNoise * Math.Sqrt(4 * Math.PI * Math.Pow(scienceFwhm / GaussianPsf.FwhmPerSigma, 2));
        var fit = matcher.Fit(science, template, [.. stars.Select(s => (s.X, s.Y, s.Flux / sigmaPoint))], convolveScience);
        var difference = matcher.Subtract(science, template, fit);
        var (whitened, kernel) = new DifferenceDecorrelator().Decorrelate(difference, science, template, fit);

        var blank = BlankPositions(stars, injected);
        var before = Pulls(difference, blank, injected);
        var after = Pulls(whitened, blank, injected);
        output.WriteLine($"convolveScience {convolveScience}: kernel sum {fit.KernelSumAtCentre:F4}, decorrelation kernel {2 * kernel.HalfWidth + 1} px, {kernel.Terms.Count} separable terms, white variance {kernel.WhiteVariance:F1}");
        output.WriteLine($"  before: blank {before.Blank:F3} (forced {before.Forced:F3}), injected {before.Injected:F3} (mean pull {before.InjectedMean:+0.00;-0.00}); {blank.Count} blank, {injected.Length} injected");
        output.WriteLine($"  after:  blank {after.Blank:F3} (forced {after.Forced:F3}), injected {after.Injected:F3} (mean pull {after.InjectedMean:+0.00;-0.00})");
        Assert.InRange(after.Blank, 0.9, 1.1);
        Assert.InRange(after.Forced, 0.9, 1.1);
        Assert.InRange(after.Injected, 0.9, 1.1);
        Assert.InRange(after.InjectedMean, -0.2, 0.2);
        // The correlated template noise is what made the errors dishonest before.
        Assert.True(Math.Abs(before.Blank - 1) > Math.Abs(after.Blank - 1), $"decorrelation should bring the blank pulls closer to 1 ({before.Blank:F3} -> {after.Blank:F3})");
    }

    [Fact]
    public void Decorrelation_kernel_sums_to_one_and_is_the_delta_function_for_a_delta_matching_kernel()
    {
        var delta = new double[9 * 9];
        delta[40] = 1;
        var kernel = DecorrelationKernel.Create(delta, 25, 25, convolvesScience: false);
        Assert.Equal(1, kernel.HalfWidth);
        Assert.Single(kernel.Terms);
        Assert.Equal(1.0, kernel.Pixels[kernel.HalfWidth, kernel.HalfWidth], 6);
        Assert.Equal(50.0, kernel.WhiteVariance, 6);

        var gaussian = new double[21 * 21];
        for (var b = 0; b < 21; b++)
        {
            for (var a = 0; a < 21; a++)
            {
                gaussian[(b * 21) + a] = Math.Exp(-((a - 10) * (a - 10) + (b - 10) * (b - 10)) / (2 * 1.5 * 1.5)) / (2 * Math.PI * 1.5 * 1.5);
            }
        }

        var sharpening = DecorrelationKernel.Create(gaussian, 25, 25, convolvesScience: false);
        var sum = 0.0;
        foreach (var v in sharpening.Pixels)
        {
            sum += v;
        }

        Assert.Equal(1.0, sum, 6);
        // It undoes part of the smoothing: a central value above 1 and negative wings.
        Assert.True(sharpening.Pixels[sharpening.HalfWidth, sharpening.HalfWidth] > 1);
        Assert.Contains(sharpening.Pixels.Cast<double>(), v => v < 0);
    }

    [Fact]
    public void Decorrelation_refuses_a_difference_without_a_psf()
    {
        var science = new Exposure(64, 64, new float[64 * 64]);
        var fit = new AlardLuptonSolution
        {
            Basis = AlardLuptonBasis.Default, KernelCoefficients = new double[AlardLuptonBasis.Default.Kernels.Count, 3], BackgroundCoefficients = [0],
            SpatialOrder = 0, BackgroundOrder = 0, StampsUsed = 3, StampsOffered = 3, Width = 64, Height = 64,
        };
        var error = Assert.Throws<InvalidOperationException>(() => new DifferenceDecorrelator().Decorrelate(science, science, science, fit));
        Assert.Contains("PSF", error.Message, StringComparison.Ordinal);
    }

    private static (Exposure Science, Exposure Template, (double X, double Y, double Flux)[] Stars, (double X, double Y, double Flux)[] Injected) Scene(double scienceFwhm, double templateFwhm)
    {
        var stars = Synthetic.Stars(300, Size, 11, 5e3, 3e5);
        // Injected point sources on a 48-px grid, sub-pixel phases varied, only where no star is within 12 px.
        var injected = new List<(double X, double Y, double Flux)>();
        for (var y = 40; y < Size - 40; y += 48)
        {
            for (var x = 40; x < Size - 40; x += 48)
            {
                var px = x + (0.37 * (y % 7)) / 7.0 * 2;
                var py = y + (0.29 * (x % 5)) / 5.0 * 2;
                if (!stars.Any(s => Math.Abs(s.X - px) < 12 && Math.Abs(s.Y - py) < 12))
                {
                    injected.Add((px, py, InjectedFlux));
                }
            }
        }

        var science = new Exposure(Size, Size, Synthetic.Render(Size, [.. stars, .. injected], scienceFwhm, ScienceNoise, 1)) { Psf = new GaussianPsf(scienceFwhm) };
        var template = new Exposure(Size, Size, Synthetic.Render(Size, stars, templateFwhm, TemplateNoise, 2)) { Psf = new GaussianPsf(templateFwhm) };
        Array.Fill(science.Variance, (float)(ScienceNoise * ScienceNoise));
        Array.Fill(template.Variance, (float)(TemplateNoise * TemplateNoise));
        return (science, template, stars, [.. injected]);
    }

    /// <summary>
    /// Positions 24 px from the injection grid's points (between them along x, along y and diagonally) with no star or
    /// injected source within 14 px.
    /// </summary>
    private static List<(double X, double Y)> BlankPositions((double X, double Y, double Flux)[] stars, (double X, double Y, double Flux)[] injected)
    {
        var blank = new List<(double X, double Y)>();
        foreach (var (ox, oy) in new[] { (24, 0), (0, 24), (24, 24) })
        {
            for (var y = 40.0 + oy; y < Size - 40; y += 48)
            {
                for (var x = 40.0 + ox; x < Size - 40; x += 48)
                {
                    if (!stars.Concat(injected).Any(s => Math.Abs(s.X - x) < 14 && Math.Abs(s.Y - y) < 14))
                    {
                        blank.Add((x, y));
                    }
                }
            }
        }

        return blank;
    }

    /// <summary>Standard deviations of the pulls: DIA PSF fits at blank positions, forced PSF fits there, DIA PSF fits on the injected sources (and their mean).</summary>
    private static (double Blank, double Forced, double Injected, double InjectedMean) Pulls(Exposure difference, List<(double X, double Y)> blank, (double X, double Y, double Flux)[] injected)
    {
        var measurer = new SourceMeasurer();
        var psf = difference.Psf!;
        var blankPulls = blank.Select(p => measurer.PsfFlux(difference, psf, p.X, p.Y)).Where(m => m.Err > 0).Select(m => m.Flux / m.Err).ToList();
        var forced = new PsfAmplitudeFitter(new ForcedPhotOptions { BlendRadiusFwhm = 0 }).Measure(difference, [.. blank.Select(p => p.X)], [.. blank.Select(p => p.Y)]);
        var forcedPulls = forced.Where(m => m.InstFluxErr > 0).Select(m => m.InstFlux / m.InstFluxErr).ToList();
        var injectedPulls = injected.Select(s => (s, m: measurer.PsfFlux(difference, psf, s.X, s.Y))).Where(t => t.m.Err > 0).Select(t => (t.m.Flux - t.s.Flux) / t.m.Err).ToList();
        return (Sigma(blankPulls), Sigma(forcedPulls), Sigma(injectedPulls), injectedPulls.Average());
    }

    private static double Sigma(List<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
