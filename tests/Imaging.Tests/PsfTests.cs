namespace Apdb.Imaging.Tests;

public sealed class PsfTests
{
    [Fact]
    public void Erf_matches_reference_values()
    {
        // Abramowitz & Stegun table 7.1 / any CAS: erf(0.5) = 0.5204998778130465, erf(1) = 0.8427007929497149, erf(3) = 0.9999779095030014.
        Assert.True(Math.Abs(0.5204998778130465 - SpecialFunctions.Erf(0.5)) < 1e-15);
        Assert.True(Math.Abs(0.8427007929497149 - SpecialFunctions.Erf(1.0)) < 1e-15);
        Assert.True(Math.Abs(0.9999779095030014 - SpecialFunctions.Erf(3.0)) < 1e-15);
        Assert.True(Math.Abs(-0.8427007929497149 - SpecialFunctions.Erf(-1.0)) < 1e-15);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.37, -0.21)]
    [InlineData(-0.5, 0.499)]
    public void Analytic_stamps_hold_the_light_of_a_unit_source_centred_at_the_offset(double dx, double dy)
    {
        foreach (var psf in new Psf[] { new GaussianPsf(3.0), new GaussianPsf(3.0, PsfSampling.Sampled), new MoffatPsf(3.0, 4.5), new GaussianPsf(3.0, normalizeToStamp: true) })
        {
            const int H = 15;
            var stamp = new float[31 * 31];
            psf.ComputeStamp(100 + dx, 50 + dy, H, stamp);
            double sum = 0, mx = 0, my = 0;
            for (var j = 0; j < 31; j++)
                for (var i = 0; i < 31; i++)
                {
                    var v = stamp[(j * 31) + i];
                    sum += v;
                    mx += v * (i - H);
                    my += v * (j - H);
                }

            Assert.InRange(sum, 0.995, 1.000001);
            Assert.Equal(dx, mx / sum, 2);
            Assert.Equal(dy, my / sum, 2);
        }
    }

    [Fact]
    public void Stamp_normalization_option_gives_a_sum_of_exactly_one()
    {
        var stamp = new float[11 * 11];
        new MoffatPsf(3.0, 2.5, normalizeToStamp: true).ComputeStamp(0.2, 0.3, 5, stamp);
        Assert.Equal(1.0, stamp.Sum(v => (double)v), 5);
        new MoffatPsf(3.0, 2.5).ComputeStamp(0.2, 0.3, 5, stamp);
        Assert.InRange(stamp.Sum(v => (double)v), 0.8, 0.97); // broad wings outside 11x11
    }

    [Fact]
    public void The_estimator_recovers_the_FWHM_of_isolated_stars_and_builds_a_matching_pixelized_model()
    {
        const int N = 512;
        var truth = new GaussianPsf(3.3);
        var image = new float[N * N];
        var random = new Random(2);
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)(10 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        var stamp = new float[25 * 25];
        for (var sy = 40; sy < N - 40; sy += 48)
            for (var sx = 40; sx < N - 40; sx += 48)
            {
                var x = sx + random.NextDouble();
                var y = sy + random.NextDouble();
                truth.ComputeStamp(x, y, 12, stamp);
                for (var j = 0; j < 25; j++)
                    for (var i = 0; i < 25; i++)
                        image[((Psf.StampCentre(y) - 12 + j) * N) + Psf.StampCentre(x) - 12 + i] += 20000 * stamp[(j * 25) + i];
            }

        var rms = Enumerable.Repeat(10f, N * N).ToArray();
        var estimate = new PsfEstimator().Estimate(image, N, N, rms, [], 0);
        Assert.InRange(estimate.MedianFwhmPixels, 3.2, 3.4);
        Assert.True(estimate.Stars.Count > 50);
        var model = Assert.IsType<PixelizedPsf>(estimate.Psf);
        var a = new float[15 * 15];
        var b = new float[15 * 15];
        model.ComputeStamp(0.3, -0.2, 7, a);
        truth.ComputeStamp(0.3, -0.2, 7, b);
        var worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) / b.Max();
        Assert.True(worst < 0.01, $"pixelized vs true PSF: worst pixel differs by {worst:P2} of the peak");
        var gaussian = new PsfEstimator { Pixelized = false }.Estimate(image, N, N, rms, [], 0).Psf;
        Assert.IsType<GaussianPsf>(gaussian);
        Assert.Throws<InvalidOperationException>(() => new PsfEstimator().Estimate(new float[N * N], N, N, rms, [], 0));
    }

    [Fact]
    public void The_background_estimate_is_unbiased_under_sources_to_a_percent_of_the_noise()
    {
        const int N = 1024;
        var random = new Random(4);
        var image = new float[N * N];
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = 1000f + (float)(20 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        var psf = new GaussianPsf(3.5);
        var stamp = new float[25 * 25];
        for (var s = 0; s < 1500; s++)
        {
            var x = 20 + (random.NextDouble() * (N - 40));
            var y = 20 + (random.NextDouble() * (N - 40));
            psf.ComputeStamp(x, y, 12, stamp);
            var flux = 2000 * Math.Pow(100, random.NextDouble());
            for (var j = 0; j < 25; j++)
                for (var i = 0; i < 25; i++)
                    image[((Psf.StampCentre(y) - 12 + j) * N) + Psf.StampCentre(x) - 12 + i] += (float)(flux * stamp[(j * 25) + i]);
        }

        var map = BackgroundEstimator.Estimate(image, N, N, [], 0);
        var levels = map.MeshLevel.Select(v => (double)v).Order().ToArray();
        Assert.InRange(levels[levels.Length / 2], 1000 - 0.2, 1000 + 0.2);
        Assert.InRange(map.GlobalRms, 19.6, 20.4);
    }
}
