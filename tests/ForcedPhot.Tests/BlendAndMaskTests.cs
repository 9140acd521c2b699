using Apdb.Imaging;

namespace Apdb.ForcedPhot.Tests;

public sealed class BlendAndMaskTests
{
    [Fact]
    public void Close_pairs_are_fitted_jointly_and_recover_both_fluxes()
    {
        var psf = new GaussianPsf(3.0);
        var xs = new List<double>();
        var ys = new List<double>();
        var fs = new List<double>();
        var random = new Random(5);
        for (var gy = 40; gy < 1000; gy += 50)
        {
            for (var gx = 40; gx < 1000; gx += 50)
            {
                var angle = random.NextDouble() * Math.PI;
                var sep = 3.0 + (random.NextDouble() * 2.0); // 1.0-1.7 FWHM: strongly overlapping
                xs.Add(gx);
                ys.Add(gy);
                xs.Add(gx + (sep * Math.Cos(angle)));
                ys.Add(gy + (sep * Math.Sin(angle)));
                fs.Add(2000 + (random.NextDouble() * 8000));
                fs.Add(2000 + (random.NextDouble() * 8000));
            }
        }

        var sim = SimulatedImage.Render(1024, 1024, psf, 300, 5, [.. xs], [.. ys], [.. fs], 6);
        var fits = new PsfAmplitudeFitter().Measure(sim.Exposure, sim.X, sim.Y);
        Assert.All(fits, f => Assert.True(f.Flags.HasFlag(ForcedPhotFlags.BlendedFit)));
        var pulls = fits.Select((m, i) => (m.InstFlux - sim.Flux[i]) / m.InstFluxErr).ToArray();
        Assert.InRange(Stats.Median(pulls), -0.15, 0.15);
        Assert.InRange(Stats.RobustSigma(pulls), 0.85, 1.15);

        // Fitted one at a time, each star absorbs its neighbour's light: the joint fit is what makes this work.
        var alone = new PsfAmplitudeFitter(new ForcedPhotOptions { BlendRadiusFwhm = 0 }).Measure(sim.Exposure, sim.X, sim.Y);
        Assert.True(Stats.Median(alone.Select((m, i) => m.InstFlux / sim.Flux[i])) > 1.03);
    }

    [Fact]
    public void Masked_pixels_are_excluded_from_the_fit()
    {
        var psf = new GaussianPsf(3.0);
        var sim = SimulatedImage.Render(64, 64, psf, 100, 3, [32.3], [31.8], [5000], 7);
        var e = sim.Exposure;
        // Corrupt a column through the star and mark it BAD: the fit must ignore it.
        for (var y = 0; y < 64; y++)
        {
            e.Image[(y * 64) + 33] = 1e6f;
            e.Mask[(y * 64) + 33] = (int)MaskPlane.Bad;
        }

        var fit = new PsfAmplitudeFitter().Measure(e, sim.X, sim.Y)[0];
        Assert.True(fit.Flags.HasFlag(ForcedPhotFlags.MaskedPixels));
        Assert.InRange((fit.InstFlux - 5000) / fit.InstFluxErr, -4, 4);
        var clean = new PsfAmplitudeFitter(new ForcedPhotOptions { BadMask = MaskPlane.None }).Measure(e, sim.X, sim.Y)[0];
        Assert.True(clean.InstFlux > 1e5);
    }

    [Fact]
    public void Off_image_edge_and_fully_masked_positions_are_flagged_not_errors()
    {
        var psf = new GaussianPsf(3.0);
        var sim = SimulatedImage.Render(64, 64, psf, 100, 3, [32], [32], [1000], 8);
        var e = sim.Exposure;
        for (var k = 0; k < 64 * 16; k++)
        {
            e.Mask[k] = (int)MaskPlane.NoData; // rows 0-15
        }

        double[] x = [-5, 1.2, 30, 32, double.NaN];
        // Stamps are 17x17 (h = 8 for FWHM 3): (1.2, 30) crosses the left edge, (30, 3) sees only masked rows.
        double[] y = [10, 30, 3, 40, 5];
        var fits = new PsfAmplitudeFitter(new ForcedPhotOptions { BlendRadiusFwhm = 0 }).Measure(e, x, y);
        Assert.True(fits[0].Flags.HasFlag(ForcedPhotFlags.OffImage));
        Assert.True(double.IsNaN(fits[0].InstFlux));
        Assert.Equal(ForcedPhotFlags.Edge, fits[1].Flags);
        Assert.True(double.IsFinite(fits[1].InstFlux));
        Assert.True(fits[2].Flags.HasFlag(ForcedPhotFlags.NoGoodPixels));
        Assert.Equal(ForcedPhotFlags.None, fits[3].Flags);
        Assert.True(fits[4].Flags.HasFlag(ForcedPhotFlags.OffImage));
    }

    [Fact]
    public void Fluxes_are_converted_to_nanojansky_through_the_calibration()
    {
        var sim = SimulatedImage.Render(64, 64, new GaussianPsf(3.0), 100, 3, [32], [32], [1000], 9);
        var calibrated = sim.Exposure;
        var plain = new PsfAmplitudeFitter().Measure(calibrated, sim.X, sim.Y)[0];
        Assert.Equal(plain.InstFlux, plain.Flux);
        calibrated.PhotoCalib = PhotoCalib.FromZeroPoint(31.4 + 2.5);
        var fit = new PsfAmplitudeFitter().Measure(calibrated, sim.X, sim.Y)[0];
        Assert.Equal(fit.InstFlux * 10, fit.Flux, 6);
        Assert.Equal(fit.InstFluxErr * 10, fit.FluxErr, 6);
    }

    [Fact]
    public void Error_rescale_measures_the_noise_inflation_of_correlated_pixels()
    {
        // Smooth white noise with a 3x3 box: each pixel's variance is 1/9 of the original, but PSF fits see far more.
        var random = new Random(3);
        const int N = 512;
        var white = new float[N * N];
        for (var k = 0; k < white.Length; k++) white[k] = (float)SimulatedImage.Gaussian(random);
        var smooth = new float[N * N];
        for (var y = 1; y < N - 1; y++)
            for (var x = 1; x < N - 1; x++)
            {
                var s = 0f;
                for (var dy = -1; dy <= 1; dy++) for (var dx = -1; dx <= 1; dx++) s += white[((y + dy) * N) + x + dx];
                smooth[(y * N) + x] = s / 9f;
            }

        var variance = Enumerable.Repeat(1f / 9f, N * N).ToArray();
        var e = new Exposure(N, N, smooth, variance) { Psf = new GaussianPsf(3.0) };
        var scale = ErrorRescale.FromBlankSky(e, new ForcedPhotOptions(), [], [], 1500);
        Assert.InRange(scale, 2.0, 3.2);
        var white1 = new Exposure(N, N, white, Enumerable.Repeat(1f, N * N).ToArray()) { Psf = new GaussianPsf(3.0) };
        Assert.InRange(ErrorRescale.FromBlankSky(white1, new ForcedPhotOptions(), [], [], 1500), 0.9, 1.1);
    }
}
