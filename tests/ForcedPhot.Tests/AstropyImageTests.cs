using Apdb.Imaging;

namespace Apdb.ForcedPhot.Tests;

public sealed class AstropyImageTests
{
    private static string Repository()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Apdb.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root (Apdb.sln) not found");
    }

    [OracleFact]
    public void An_image_written_by_astropy_gives_unit_normal_pulls_with_the_PSF_and_background_estimated()
    {
        // benchmarks/forcedphot/make_image.py: Gaussian-PSF stars (FWHM 3.5) on a flat sky with Poisson and read noise,
        // TAN WCS, MAGZERO 31.4 (so counts are nJy), GAIN 1; positions at stars and at random blank sky.
        var dir = Directory.CreateTempSubdirectory("apdb-forcedphot-").FullName;
        try
        {
            var script = File.ReadAllText(Path.Combine(Repository(), "benchmarks", "forcedphot", "make_image.py"));
            Oracle.Python(
                "import sys\nsys.argv = [sys.argv[0], '--size', '1536', '--stars', '1500', '--blank', '1500', '--seed', '5', '--out', sys.argv[1]]\n" + script,
                dir);
            var loaded = ExposureFits.Read(Path.Combine(dir, "image.fits"));
            var e = loaded.Exposure;
            Assert.NotNull(e.Wcs);
            Assert.NotNull(e.PhotoCalib);
            Assert.Equal(1.0, e.PhotoCalib!.NanojanskyPerCount, 12);
            var rms = Array.ConvertAll(e.Variance, v => MathF.Sqrt(v));
            e.Psf = new PsfEstimator().Estimate(e.Image, e.Width, e.Height, rms, e.Mask, (int)MaskPlanes.Unusable).Psf;
            var truth = File.ReadAllLines(Path.Combine(dir, "truth.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
            var x = truth.Select(t => double.Parse(t[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var y = truth.Select(t => double.Parse(t[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var flux = truth.Select(t => double.Parse(t[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

            // Sky positions through the WCS land on the same pixels.
            var sky = x.Select((v, i) => e.Wcs!.PixelToSky(v, y[i])).ToArray();
            var fits = new PsfAmplitudeFitter().MeasureSky(e, sky);
            Assert.True(Math.Abs(fits[0].X - x[0]) < 1e-6 && Math.Abs(fits[0].Y - y[0]) < 1e-6);

            var isolated = Enumerable.Range(0, x.Length).Where(i => fits[i].Flags == ForcedPhotFlags.None).ToArray();
            var stars = isolated.Where(i => flux[i] > 0).ToArray();
            var blank = isolated.Where(i => flux[i] == 0).ToArray();
            Assert.True(stars.Length > 800 && blank.Length > 800);
            double Pull(int i) => (fits[i].Flux - flux[i]) / fits[i].FluxErr;
            Assert.InRange(Stats.Median(stars.Select(Pull)), -0.1, 0.1);
            Assert.InRange(Stats.RobustSigma(stars.Select(Pull)), 0.9, 1.1);
            Assert.InRange(Stats.Median(blank.Select(Pull)), -0.1, 0.1);
            Assert.InRange(Stats.RobustSigma(blank.Select(Pull)), 0.9, 1.1);
            var bright = stars.Where(i => flux[i] > 5e4).ToArray();
            Assert.InRange(Stats.Median(bright.Select(i => fits[i].Flux / flux[i])), 0.99, 1.01);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
