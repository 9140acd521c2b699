using Xunit.Abstractions;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>
/// The whole chain on a 512 x 512 window whose template is 1.6x broader than the science (a 1.6-px-sigma
/// deconvolution on the template side): the auto mode convolves the science, and detection, measurement and the
/// DiaSource fluxes use the template's PSF on a difference in science nJy.
/// </summary>
public sealed class SharpScienceFrontEndTests(ITestOutputHelper output)
{
    [Fact]
    public void Auto_mode_convolves_the_sharper_science_and_recovers_injected_transients_with_their_flux()
    {
        var options = Scene.Options() with { Injections = WindowRun.Injected, TemplateSeeingArcsec = 1.6 * Scene.Visit.SeeingArcsec };
        var report = new ImageFrontEnd(Scene.Truth, new FrontEndOptions { Render = options }).ProcessDetailed(Scene.Visit, Scene.Detector);
        var diagnostics = report.Diagnostics;
        output.WriteLine(diagnostics.ToString());
        Assert.True(diagnostics.ConvolvedScience);
        Assert.Equal(report.Rendered.TemplateFwhmPixels, diagnostics.DifferencePsfFwhmPixels, 6);
        Assert.InRange(diagnostics.DifferenceNoiseRatio, 0.9, 1.1);
        var rows = report.Result.DiaSources;
        foreach (var (x, y, flux) in WindowRun.Injected)
        {
            var match = rows.Where(d => Math.Abs(d.X - x) < 2 && Math.Abs(d.Y - y) < 2).ToList();
            Assert.Single(match);
            var d = match[0];
            output.WriteLine($"injected {flux} nJy at ({x}, {y}): psfFlux {d.PsfFlux:F0} +/- {d.PsfFluxErr:F0}, snr {d.Snr:F1}");
            Assert.False(d.IsNegative);
            // The 5% bound, not 4 sigma: psfFluxErr comes from the per-pixel variance and misses the correlation the
            // science convolution puts into its noise (the S/N image's sigma, DiaSnrScale, is about 3 here).
            Assert.True(Math.Abs(d.PsfFlux!.Value - flux) < Math.Max(4 * d.PsfFluxErr!.Value, 0.05 * flux), $"psfFlux {d.PsfFlux} vs {flux}");
        }
    }
}
