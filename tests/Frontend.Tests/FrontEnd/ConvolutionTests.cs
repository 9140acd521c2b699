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

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(0, 3)]
    [InlineData(256, 1)]
    [InlineData(256, 2)]
    [InlineData(256, 3)]
    [InlineData(512, 1)]
    [InlineData(512, 2)]
    [InlineData(512, 3)]
    public void Column_passes_of_one_to_three_profiles_match_the_scalar_sum_at_every_width_0_to_256(int vectorBits, int profiles)
    {
        if ((vectorBits == 256 && !Lanes256.IsHardwareAccelerated) || (vectorBits == 512 && !Lanes512.IsHardwareAccelerated))
        {
            return;
        }

        var random = new Random(5 + profiles);
        const int Taps = 7;
        var k = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, Taps).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        for (var w = 0; w <= 256; w++)
        {
            var rows = Enumerable.Range(0, Taps * w).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            // Filled with a marker: the pass writes every output, it does not add to them.
            var d = Enumerable.Range(0, 3).Select(_ => Enumerable.Repeat(99f, w).ToArray()).ToArray();
            Action pass = vectorBits switch
            {
                512 => () => SeparableSum.Columns<Lanes512>(rows, w, profiles, k[0], k[1], k[2], d[0], d[1], d[2]),
                256 => () => SeparableSum.Columns<Lanes256>(rows, w, profiles, k[0], k[1], k[2], d[0], d[1], d[2]),
                _ => () => SeparableSum.ColumnsScalar(rows, w, profiles, k[0], k[1], k[2], d[0], d[1], d[2]),
            };
            pass();
            for (var j = 0; j < 3; j++)
            {
                for (var x = 0; x < w; x++)
                {
                    double sum = 0;
                    for (var t = 0; t < Taps; t++)
                    {
                        sum += k[j][t] * rows[(t * w) + x];
                    }

                    var expected = j < profiles ? sum : 99.0;
                    Assert.True(Math.Abs(d[j][x] - expected) < 1e-5, $"{vectorBits} bits, {profiles} profiles, width {w}, profile {j}, x {x}: {d[j][x]} vs {expected}");
                }
            }
        }
    }
}
