namespace Apdb.Imaging.Tests;

public sealed class PixelMathTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(65_536)]
    [InlineData(65_536 * 3 + 13)]
    public void Square_roots_match_scalar_sqrt_of_the_clamped_variance(int length)
    {
        var random = new Random(length + 1);
        var variance = new float[length];
        for (var i = 0; i < length; i++)
        {
            variance[i] = (float)((random.NextDouble() - 0.1) * 1e4);
        }

        var sigma = PixelMath.SquareRoots(variance);

        Assert.Equal(length, sigma.Length);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal(MathF.Sqrt(Math.Max(variance[i], 0f)), sigma[i]);
        }
    }

    [Fact]
    public void Negative_variance_gives_zero_and_NaN_stays_NaN()
    {
        var sigma = PixelMath.SquareRoots([-4f, 4f, float.NaN, 0f, 9f, 16f, 25f, 36f, 49f, float.NaN]);

        Assert.Equal(0f, sigma[0]);
        Assert.Equal(2f, sigma[1]);
        Assert.True(float.IsNaN(sigma[2]));
        Assert.Equal(7f, sigma[8]);
        Assert.True(float.IsNaN(sigma[9]));
    }

    [Fact]
    public void A_short_destination_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => PixelMath.SquareRoots(new float[4], new float[3]));
    }

    [Fact]
    public void Add_scaled_matches_the_scalar_expression_bit_for_bit_at_every_length_0_to_256()
    {
        var random = new Random(19);
        for (var length = 0; length <= 256; length++)
        {
            var source = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * 1e3)).ToArray();
            var start = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * 1e3)).ToArray();
            var scale = (float)(random.NextDouble() * 7 - 3);
            var vector = start.ToArray();
            PixelMath.AddScaled<float>(source, scale, vector);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(start[i] + (scale * source[i]), vector[i]);
            }

            var sourceD = source.Select(v => (double)v / 3).ToArray();
            var vectorD = start.Select(v => (double)v).ToArray();
            PixelMath.AddScaled<double>(sourceD, scale / 3.0, vectorD);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(start[i] + (scale / 3.0 * sourceD[i]), vectorD[i]);
            }
        }
    }

    [Fact]
    public void Add_scaled_rejects_a_short_destination()
    {
        Assert.Throws<ArgumentException>(() => PixelMath.AddScaled<float>(new float[4], 2f, new float[3]));
    }
}
