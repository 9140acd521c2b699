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
        // Decorrelation undoes part of the science's convolution where the template is the deeper image: the
        // difference's PSF lies between the science's and the template's, and its noise is white (S/N image sigma ~1).
        Assert.InRange(diagnostics.DifferencePsfFwhmPixels, diagnostics.PsfFwhmPixels, report.Rendered.TemplateFwhmPixels);
        Assert.InRange(diagnostics.DifferenceNoiseRatio, 0.9, 1.1);
        Assert.InRange(diagnostics.DiaSnrScale, 0.9, 1.1);
        var rows = report.Result.DiaSources;
        foreach (var (x, y, flux) in WindowRun.Injected)
        {
            var match = rows.Where(d => Math.Abs(d.X - x) < 2 && Math.Abs(d.Y - y) < 2).ToList();
            Assert.Single(match);
            var d = match[0];
            output.WriteLine($"injected {flux} nJy at ({x}, {y}): psfFlux {d.PsfFlux:F0} +/- {d.PsfFluxErr:F0}, snr {d.Snr:F1}");
            Assert.False(d.IsNegative);
            // 4 sigma of psfFluxErr: on the decorrelated difference the per-pixel variance is the whole noise (without
            // decorrelation the S/N image's sigma, DiaSnrScale, was about 3 here and a 5% bound was needed).
            Assert.True(Math.Abs(d.PsfFlux!.Value - flux) < 4 * d.PsfFluxErr!.Value, $"psfFlux {d.PsfFlux} +/- {d.PsfFluxErr} vs {flux}");
        }
    }
}
