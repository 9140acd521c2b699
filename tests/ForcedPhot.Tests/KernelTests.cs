namespace Apdb.ForcedPhot.Tests;

public sealed class KernelTests
{
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
    public void In_place_stamp_kernels_match_the_scalar_reference_at_every_stamp_size_1_to_31()
    {
        const int W = 67;
        const int H = 45;
        var (_, image, variance, mask) = Inputs(W * H, 99);
        var random = new Random(7);
        for (var size = 1; size <= 31; size++)
        {
            var (psf, _, _, _) = Inputs(size * size, size);
            for (var trial = 0; trial < 4; trial++)
            {
                var x0 = random.Next(W - size + 1);
                var y0 = random.Next(H - size + 1);
                var fast = StampKernels.Sums(psf, size, image, variance, mask, W, x0, y0, 0b1011);
                var reference = StampKernels.SumsScalar(psf, size, image, variance, mask, W, x0, y0, 0b1011);
                Close(reference.PsfData, fast.PsfData);
                Close(reference.PsfPsf, fast.PsfPsf);
                Close(reference.PsfPsfVariance, fast.PsfPsfVariance);
                Close(reference.PsfDataWeighted, fast.PsfDataWeighted);
                Close(reference.PsfPsfWeighted, fast.PsfPsfWeighted);
                Assert.Equal(reference.Good, fast.Good);
                Close(StampKernels.Chi2Scalar(psf, size, image, variance, mask, W, x0, y0, 0b1011, 3.5f),
                    StampKernels.Chi2(psf, size, image, variance, mask, W, x0, y0, 0b1011, 3.5f));

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
                Close(gathered.PsfDataWeighted, fast.PsfDataWeighted);
                Assert.Equal(gathered.Good, fast.Good);
            }
        }

        Assert.Throws<ArgumentException>(() => StampKernels.Sums(new float[9], 3, image, variance, mask, W, W - 2, 0, 0));
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 * (Math.Abs(expected) + 1), $"expected {expected}, got {actual}");
}
