namespace Apdb.ForcedPhot.Tests;

public sealed class KernelTests
{
    /// <summary>
    /// Whether this machine has the 256-bit vectors the in-place stamp kernels need. Without them the fitter takes the
    /// gathered path, and the kernels refuse a stamp, as checked here.
    /// </summary>
    private static bool InPlaceKernelsRunHere()
    {
        if (StampKernels.Vectorized(8))
        {
            return true;
        }

        Assert.Throws<ArgumentException>(() => StampKernels.Sums(new StampPsf(new float[64], 0, 8), 8, new float[64], new float[64], new int[64], 8, 0, 0, 0, true, new StampScratch(8)));
        return false;
    }

    private static (float[] P, float[] D, float[] V, int[] M) Inputs(int n, int seed)
    {
        var random = new Random(seed);
        var p = new float[n];
        var d = new float[n];
        var v = new float[n];
        var m = new int[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = (float)random.NextDouble();
            d[i] = (float)((random.NextDouble() * 200) - 50);
            v[i] = (float)(1 + (random.NextDouble() * 100));
            m[i] = random.Next(10) == 0 ? 1 << random.Next(9) : 0;
            switch (random.Next(40))
            {
                case 0: d[i] = float.NaN; break;
                case 1: v[i] = 0; break;
                case 2: v[i] = float.PositiveInfinity; break;
                case 3: d[i] = float.NegativeInfinity; break;
            }
        }

        return (p, d, v, m);
    }

    [Fact]
    public void Clean_matches_the_scalar_reference_exactly_at_every_length_0_to_256()
    {
        for (var n = 0; n <= 256; n++)
        {
            var (_, d, v, m) = Inputs(n, n);
            float[] a1 = new float[n], a2 = new float[n], a3 = new float[n], a4 = new float[n];
            float[] b1 = new float[n], b2 = new float[n], b3 = new float[n], b4 = new float[n];
            PsfFitKernels.Clean(d, v, m, 0b1011, a1, a2, a3, a4);
            PsfFitKernels.CleanScalar(d, v, m, 0b1011, b1, b2, b3, b4);
            Assert.Equal(b1, a1);
            Assert.Equal(b2, a2);
            Assert.Equal(b3, a3);
            Assert.Equal(b4, a4);
            Assert.All(a1, x => Assert.True(float.IsFinite(x)));
        }
    }

    [Fact]
    public void Sums_and_chi2_match_the_scalar_reference_at_every_length_0_to_256()
    {
        for (var n = 0; n <= 256; n++)
        {
            var (p, d, v, m) = Inputs(n, 1000 + n);
            float[] cd = new float[n], cv = new float[n], iv = new float[n], g = new float[n];
            PsfFitKernels.CleanScalar(d, v, m, 0b1011, cd, cv, iv, g);
            var fast = PsfFitKernels.Sums(p, cd, cv, iv, g);
            var slow = PsfFitKernels.SumsScalar(p, cd, cv, iv, g);
            Close(slow.PsfData, fast.PsfData, n);
            Close(slow.PsfPsf, fast.PsfPsf, n);
            Close(slow.PsfPsfVariance, fast.PsfPsfVariance, n);
            Close(slow.PsfDataWeighted, fast.PsfDataWeighted, n);
            Close(slow.PsfPsfWeighted, fast.PsfPsfWeighted, n);
            Assert.Equal(slow.Good, fast.Good);
            Close(PsfFitKernels.Chi2Scalar(p, cd, iv, 1.7f), PsfFitKernels.Chi2(p, cd, iv, 1.7f), n);
        }
    }

    [Fact]
    public void Kernels_reject_mismatched_lengths()
    {
        Assert.Throws<ArgumentException>(() => PsfFitKernels.Sums(new float[3], new float[3], new float[2], new float[3], new float[3]));
        Assert.Throws<ArgumentException>(() => PsfFitKernels.Chi2(new float[3], new float[4], new float[3], 1f));
        Assert.Throws<ArgumentException>(() => PsfFitKernels.Clean(new float[3], new float[3], new int[3], 1, new float[2], new float[3], new float[3], new float[3]));
    }

    private static void Close(double expected, double actual, int n)
    {
        // Float lanes accumulate in a different order than the double scalar loop: ~1e-6 relative of the magnitude.
        var tolerance = 1e-5 * (Math.Abs(expected) + 1) * Math.Max(1, Math.Sqrt(n));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"n={n}: expected {expected}, got {actual}");
    }

    [Fact]
    public void In_place_stamp_kernels_match_the_scalar_reference_at_every_vector_stamp_size_8_to_31()
    {
        if (!InPlaceKernelsRunHere())
        {
            return;
        }

        const int W = 67;
        const int H = 45;
        var (_, image, variance, mask) = Inputs(W * H, 99);
        var random = new Random(7);
        for (var size = 8; size <= 31; size++)
        {
            var (psf, _, _, _) = Inputs(size * size, size);
            var scratch = new StampScratch(size);
            for (var trial = 0; trial < 4; trial++)
            {
                var x0 = random.Next(W - size + 1);
                var y0 = random.Next(H - size + 1);
                var reference = StampKernels.SumsScalar(psf, size, image, variance, mask, W, x0, y0, 0b1011);
                var chi2 = StampKernels.Chi2Scalar(psf, size, image, variance, mask, W, x0, y0, 0b1011, 3.5f);

                var unweighted = StampKernels.Sums(new StampPsf(psf, 0, size), size, image, variance, mask, W, x0, y0, 0b1011, weighted: false, scratch);
                Close(reference.PsfData, unweighted.PsfData);
                Close(reference.PsfPsf, unweighted.PsfPsf);
                Close(reference.PsfPsfVariance, unweighted.PsfPsfVariance);
                Assert.Equal(reference.Good, unweighted.Good);
                Close(chi2, StampKernels.Chi2(scratch, size, 3.5f));

                var weighted = StampKernels.Sums(new StampPsf(psf, 0, size), size, image, variance, mask, W, x0, y0, 0b1011, weighted: true, scratch);
                Close(reference.PsfDataWeighted, weighted.PsfDataWeighted);
                Close(reference.PsfPsfWeighted, weighted.PsfPsfWeighted);
                Assert.Equal(reference.Good, weighted.Good);
                Close(chi2, StampKernels.Chi2(scratch, size, 3.5f));

                // And the gather + clean path gives the same sums.
                var n = size * size;
                float[] d = new float[n], v = new float[n], cd = new float[n], cv = new float[n], w = new float[n], g = new float[n];
                var m = new int[n];
                for (var j = 0; j < size; j++)
                {
                    Array.Copy(image, ((y0 + j) * W) + x0, d, j * size, size);
                    Array.Copy(variance, ((y0 + j) * W) + x0, v, j * size, size);
                    Array.Copy(mask, ((y0 + j) * W) + x0, m, j * size, size);
                }

                PsfFitKernels.Clean(d, v, m, 0b1011, cd, cv, w, g);
                var gathered = PsfFitKernels.Sums(psf, cd, cv, w, g);
                Close(gathered.PsfDataWeighted, weighted.PsfDataWeighted);
                Assert.Equal(gathered.Good, weighted.Good);
            }
        }

        var small = new StampScratch(3);
        Assert.Throws<ArgumentException>(() => StampKernels.Sums(new StampPsf(new float[9], 0, 3), 3, image, variance, mask, W, 0, 0, 0, true, small));
        var nine = new StampScratch(9);
        Assert.Throws<ArgumentException>(() => StampKernels.Sums(new StampPsf(new float[81], 0, 9), 9, image, variance, mask, W, W - 8, 0, 0, true, nine));
        Assert.Throws<ArgumentException>(() => new StampPsf(new float[80], 0, 9));
    }

    [Fact]
    public void A_separable_stamp_composed_in_registers_gives_the_sums_of_its_written_out_outer_product()
    {
        if (!InPlaceKernelsRunHere())
        {
            return;
        }

        const int W = 80;
        var (_, image, variance, mask) = Inputs(W * W, 5);
        foreach (var size in new[] { 9, 16, 19, 21, 25 })
        {
            var random = new Random(size);
            var profiles = new float[3 * size];
            for (var k = 0; k < profiles.Length; k++)
            {
                profiles[k] = (float)random.NextDouble();
            }

            // Profile 2 along x, profile 1 along y: stamp[j, i] = profiles[size + j] * profiles[2 size + i].
            var stamp = new float[size * size];
            for (var j = 0; j < size; j++)
            {
                for (var i = 0; i < size; i++)
                {
                    stamp[(j * size) + i] = profiles[size + j] * profiles[(2 * size) + i];
                }
            }

            foreach (var weighted in new[] { true, false })
            {
                var a = new StampScratch(size);
                var b = new StampScratch(size);
                var composed = StampKernels.Sums(new SeparablePsf(profiles, 2 * size, size, size), size, image, variance, mask, W, 11, 17, 0b1011, weighted, a);
                var written = StampKernels.Sums(new StampPsf(stamp, 0, size), size, image, variance, mask, W, 11, 17, 0b1011, weighted, b);
                Assert.Equal(written, composed);
                Assert.Equal(b.Psf, a.Psf);
                Assert.Equal(StampKernels.Chi2(b, size, 2.5f), StampKernels.Chi2(a, size, 2.5f));
            }
        }

        Assert.Throws<ArgumentException>(() => new SeparablePsf(new float[20], 12, 0, 9));
    }

    [Fact]
    public void Positions_are_ordered_by_bands_of_stamp_centre_rows_each_once_with_non_finite_ones_last()
    {
        var random = new Random(3);
        const int Height = 300;
        var n = 5000;
        var xs = new double[n];
        var ys = new double[n];
        for (var i = 0; i < n; i++)
        {
            xs[i] = (random.NextDouble() * 400) - 50;
            ys[i] = (random.NextDouble() * (Height + 100)) - 50;
            if (random.Next(50) == 0)
            {
                (random.Next(2) == 0 ? xs : ys)[i] = random.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity };
            }
        }

        var (order, bandStart) = PsfAmplitudeFitter.OrderByBands(xs, ys, Height);
        Assert.Equal(Enumerable.Range(0, n), order.Order());
        Assert.Equal(0, bandStart[0]);
        Assert.Equal(n, bandStart[^1]);
        var bands = bandStart.Length - 1;
        for (var b = 0; b < bands; b++)
        {
            Assert.True(bandStart[b] <= bandStart[b + 1]);
            for (var k = bandStart[b]; k < bandStart[b + 1]; k++)
            {
                var i = order[k];
                var finite = double.IsFinite(xs[i]) && double.IsFinite(ys[i]);
                Assert.Equal(b == bands - 1, !finite);
                if (finite)
                {
                    var row = Math.Clamp(Math.Floor(ys[i] + 0.5), -1, Height);
                    var expected = Math.Clamp((int)row / 32, 0, bands - 2);
                    Assert.Equal(expected, b);
                }
            }
        }
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 * (Math.Abs(expected) + 1), $"expected {expected}, got {actual}");
}
