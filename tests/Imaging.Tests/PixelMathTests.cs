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
}
