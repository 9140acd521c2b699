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

        // From the variance plane (a varying one, with a bad value), the same stars and model as from its square roots.
        var variance = new float[N * N];
        for (var k = 0; k < variance.Length; k++)
        {
            variance[k] = 80f + (40f * (k % N) / N);
        }

        variance[(200 * N) + 200] = -1f;
        var fromRms = new PsfEstimator().Estimate(image, N, N, PixelMath.SquareRoots(variance), [], 0);
        var fromVariance = new PsfEstimator().EstimateFromVariance(image, N, N, variance, [], 0);
        Assert.Equal(fromRms.Stars, fromVariance.Stars);
        Assert.Equal(fromRms.MedianFwhmPixels, fromVariance.MedianFwhmPixels);
        fromRms.Psf.ComputeStamp(0.3, -0.2, 7, a);
        fromVariance.Psf.ComputeStamp(0.3, -0.2, 7, b);
        Assert.Equal(a, b);
        Assert.Throws<ArgumentException>(() => new PsfEstimator().EstimateFromVariance(image, N, N, new float[10], [], 0));
    }

    [Fact]
    public void The_band_limited_shift_equals_its_one_output_at_a_time_definition_exactly()
    {
        var random = new Random(4);
        foreach (var (n, h) in new[] { (41, 15), (31, 9), (9, 4), (5, 0) })
        {
            var image = new float[n * n];
            for (var k = 0; k < image.Length; k++)
            {
                image[k] = (float)(random.NextDouble() - 0.3);
            }

            var (sx, sy) = (random.NextDouble() - 0.5, random.NextDouble() - 0.5);
            var size = (2 * h) + 1;
            var fast = new float[size * size];
            PixelizedPsf.BandLimitedShift(image, n, sx, sy, h, fast);

            // Reference: D(t) = sin(pi t) / (n sin(pi t / n)) weights, each output summed over k then m in order.
            double D(double t) => Math.Abs(n * Math.Sin(Math.PI * t / n)) < 1e-12 ? 1.0 : Math.Sin(Math.PI * t) / (n * Math.Sin(Math.PI * t / n));
            double W(double p, int k) => p < -0.5 || p > n - 0.5 ? 0.0 : D(p - k);
            var c = (n - 1) / 2;
            var rows = new double[n, size];
            for (var m = 0; m < n; m++)
            {
                for (var i = 0; i < size; i++)
                {
                    var acc = 0.0;
                    for (var k = 0; k < n; k++)
                    {
                        acc += W(c - h + i + sx, k) * image[(m * n) + k];
                    }

                    rows[m, i] = acc;
                }
            }

            for (var j = 0; j < size; j++)
            {
                for (var i = 0; i < size; i++)
                {
                    var acc = 0.0;
                    for (var m = 0; m < n; m++)
                    {
                        acc += W(c - h + j + sy, m) * rows[m, i];
                    }

                    Assert.Equal((float)acc, fast[(j * size) + i]);
                }
            }
        }
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

    [Theory]
    [InlineData(2.5)]
    [InlineData(3.5)]
    public void A_pixelized_model_of_a_well_sampled_PSF_reproduces_its_stamps_at_any_sub_pixel_phase(double fwhm)
    {
        // The model is the pixel-integrated Gaussian itself, centred: shifted to a sub-pixel phase it must be that
        // Gaussian at the phase. Lanczos-3 interpolation lost 0.2-0.8% of the PSF-fit flux here (0.4% at (0.5, 0.5) for
        // FWHM 3.5), which biased estimated-PSF forced photometry by a median pull of -0.13 on bright stars.
        const int R = 15;
        const int H = 9;
        var truth = new GaussianPsf(fwhm);
        var centred = new float[((2 * R) + 1) * ((2 * R) + 1)];
        truth.ComputeStamp(0, 0, R, centred);
        var model = new PixelizedPsf(centred, R, fwhm);
        var expected = new float[((2 * H) + 1) * ((2 * H) + 1)];
        var actual = new float[expected.Length];
        foreach (var (dx, dy) in new[] { (0.25, 0.0), (0.37, -0.21), (-0.5, 0.49), (0.49, 0.49), (-0.13, 0.44) })
        {
            truth.ComputeStamp(100 + dx, 200 + dy, H, expected);
            model.ComputeStamp(100 + dx, 200 + dy, H, actual);
            double pe = 0, pp = 0, worst = 0;
            for (var k = 0; k < expected.Length; k++)
            {
                pe += actual[k] * expected[k];
                pp += actual[k] * actual[k];
                worst = Math.Max(worst, Math.Abs(actual[k] - expected[k]));
            }

            Assert.InRange(pe / pp, 1 - 1e-4, 1 + 1e-4);
            Assert.True(worst < 2e-4, $"phase ({dx}, {dy}): largest pixel difference {worst}");
        }
    }

    [Fact]
    public void The_interpolated_background_rows_match_bilinear_interpolation_between_mesh_centres()
    {
        // Reference: SExtractor's bilinear interpolation between mesh centres, constant beyond the outermost ones.
        const int W = 203;
        const int H = 141;
        var random = new Random(9);
        var image = new float[W * H];
        for (var k = 0; k < image.Length; k++)
        {
            var x = k % W;
            var y = k / W;
            image[k] = (float)(100 + (0.3 * x) - (0.2 * y) + (5 * ((random.NextDouble() * 2) - 1)));
        }

        var map = BackgroundEstimator.Estimate(image, W, H, [], 0, meshSize: 32);
        var level = new float[W];
        var rms = new float[W];
        float Reference(IReadOnlyList<float> grid, int x, int y)
        {
            static (int, int, double) Bracket(double u, int n) => u <= 0 ? (0, 0, 0) : u >= n - 1 ? (n - 1, n - 1, 0) : ((int)u, (int)u + 1, u - (int)u);
            var (i0, i1, tx) = Bracket(((x + 0.5) * map.MeshesX / W) - 0.5, map.MeshesX);
            var (j0, j1, ty) = Bracket(((y + 0.5) * map.MeshesY / H) - 0.5, map.MeshesY);
            double a = grid[(j0 * map.MeshesX) + i0], b = grid[(j0 * map.MeshesX) + i1], c = grid[(j1 * map.MeshesX) + i0], d = grid[(j1 * map.MeshesX) + i1];
            return (float)(((1 - ty) * (((1 - tx) * a) + (tx * b))) + (ty * (((1 - tx) * c) + (tx * d))));
        }

        for (var y = 0; y < H; y++)
        {
            map.FillRow(y, level, rms);
            for (var x = 0; x < W; x++)
            {
                Assert.Equal(Reference(map.MeshLevel, x, y), level[x], 0.002f);
                Assert.Equal(Reference(map.MeshRms, x, y), rms[x], 0.002f);
            }
        }
    }

    [Fact]
    public void Selection_returns_the_kth_smallest_value_at_every_length_and_rank()
    {
        var random = new Random(3);
        for (var n = 1; n <= 64; n++)
        {
            var values = Enumerable.Range(0, n).Select(_ => (float)Math.Round(random.NextDouble() * 10)).ToArray();
            var sorted = values.Order().ToArray();
            for (var k = 0; k < n; k++)
            {
                Assert.Equal(sorted[k], PixelMath.Select((float[])values.Clone(), k));
            }
        }
    }

    [Fact]
    public void The_clipped_mode_of_pure_Gaussian_noise_is_its_mean_and_its_rms_the_sigma()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 4096).Select(_ => (float)(300 + (12 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))).ToArray();
        var (level, rms) = BackgroundEstimator.ClippedMode(values, new BackgroundEstimator.MeshScratch(64, 64, 1, 1));
        // Standard errors: the mode ~2.5 x 12 / 64 = 0.5, the rms 12 / sqrt(2 x 4096) = 0.13.
        Assert.InRange(level, 300 - 1.5, 300 + 1.5);
        Assert.InRange(rms, 12 - 0.5, 12 + 0.5);
    }

    [Fact]
    public void Running_box_sums_match_clamped_direct_sums_at_every_width_and_half_width()
    {
        var random = new Random(8);
        for (var width = 1; width <= 40; width++)
        {
            var row = Enumerable.Range(0, width).Select(_ => (float)Math.Round(random.NextDouble() * 100)).ToArray();
            for (var half = 0; half <= 3; half++)
            {
                var sums = new float[width];
                BackgroundEstimator.HorizontalBoxSum(row, sums, half);
                for (var x = 0; x < width; x++)
                {
                    var expected = 0f;
                    for (var d = -half; d <= half; d++)
                    {
                        expected += row[Math.Clamp(x + d, 0, width - 1)];
                    }

                    Assert.Equal(expected, sums[x]);
                }
            }
        }
    }

    [Fact]
    public void Clipped_sums_match_the_scalar_reference_at_every_length_0_to_256()
    {
        var random = new Random(12);
        for (var n = 0; n <= 256; n++)
        {
            var values = Enumerable.Range(0, n).Select(_ => (float)(50 + (random.NextDouble() * 40))).ToArray();
            var (count, sum, squares) = BackgroundEstimator.ClippedSums(values, 70f, 12f);
            int expectedCount = 0;
            double expectedSum = 0, expectedSquares = 0;
            foreach (var v in values)
            {
                var d = v - 70f;
                if (Math.Abs(d) <= 12f)
                {
                    expectedCount++;
                    expectedSum += d;
                    expectedSquares += (double)d * d;
                }
            }

            Assert.Equal(expectedCount, count);
            Assert.Equal(expectedSum, sum, 1e-3);
            Assert.Equal(expectedSquares, squares, 1e-2);
        }
    }
}
