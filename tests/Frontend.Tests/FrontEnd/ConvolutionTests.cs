using Apdb.Frontend.Convolution;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class ConvolutionTests
{
    [Fact]
    public void Simd_line_convolution_matches_the_scalar_reference_at_every_length_0_to_256()
    {
        var random = new Random(7);
        foreach (var taps in new[] { 1, 3, 11, 27 })
        {
            var kernel = Enumerable.Range(0, taps).Select(_ => (float)random.NextDouble()).ToArray();
            for (var n = 0; n <= 256; n++)
            {
                var source = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                var fast = new float[n];
                var slow = new float[n];
                SeparableConvolution.ConvolveLine(source, fast, kernel);
                SeparableConvolution.ConvolveLineScalar(source, slow, kernel);
                for (var i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(fast[i] - slow[i]) <= 1e-5f * (1 + Math.Abs(slow[i])), $"taps {taps} length {n} index {i}: {fast[i]} vs {slow[i]}");
                }
            }
        }
    }

    [Fact]
    public void Add_scaled_matches_scalar_at_every_length_0_to_256()
    {
        var random = new Random(3);
        for (var n = 0; n <= 256; n++)
        {
            var source = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
            var dst = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();
            var expected = dst.Select((d, i) => d + (0.37f * source[i])).ToArray();
            SeparableConvolution.AddScaled(source, dst, 0.37f);
            for (var i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(expected[i] - dst[i]) <= 1e-6f * (1 + Math.Abs(expected[i])), $"length {n} index {i}: {dst[i]} vs {expected[i]}");
            }
        }
    }

    [Fact]
    public void Column_passes_match_the_scalar_sum_at_every_width_0_to_256()
    {
        var random = new Random(5);
        const int Taps = 7;
        var k0 = Enumerable.Range(0, Taps).Select(_ => (float)random.NextDouble()).ToArray();
        var k1 = Enumerable.Range(0, Taps).Select(_ => (float)random.NextDouble()).ToArray();
        var k2 = Enumerable.Range(0, Taps).Select(_ => (float)random.NextDouble()).ToArray();
        for (var w = 0; w <= 256; w++)
        {
            var rows = Enumerable.Range(0, Taps * w).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var d = new float[w];
            var e0 = new float[w];
            var e1 = new float[w];
            var e2 = new float[w];
            SeparableConvolution.AccumulateColumns(rows, w, k0, d);
            SeparableConvolution.AccumulateColumns3(rows, w, k0, k1, k2, e0, e1, e2);
            for (var x = 0; x < w; x++)
            {
                double s0 = 0, s1 = 0, s2 = 0;
                for (var t = 0; t < Taps; t++)
                {
                    s0 += k0[t] * rows[(t * w) + x];
                    s1 += k1[t] * rows[(t * w) + x];
                    s2 += k2[t] * rows[(t * w) + x];
                }

                Assert.True(Math.Abs(d[x] - s0) < 1e-5 && Math.Abs(e0[x] - s0) < 1e-5 && Math.Abs(e1[x] - s1) < 1e-5 && Math.Abs(e2[x] - s2) < 1e-5, $"width {w} x {x}");
            }
        }
    }
}
