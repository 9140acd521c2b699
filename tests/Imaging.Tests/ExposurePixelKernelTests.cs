namespace Apdb.Imaging.Tests;

/// <summary>
/// The vectorised whole-image passes of <see cref="ExposureFits.Read"/> against the scalar loops they replace, at every
/// length 0-256, and the float saturation threshold against the double comparison it stands for.
/// </summary>
public sealed class ExposurePixelKernelTests
{
    [Theory]
    [InlineData(1000.0)]
    [InlineData(1000.1)] // not a float: the threshold rounds up
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    [InlineData(-1e300)]
    public void Mark_unusable_flags_NaN_and_saturated_pixels_as_the_double_comparison_does(double saturate)
    {
        var threshold = ExposureFits.SaturationThreshold(saturate);
        for (var n = 0; n <= 256; n++)
        {
            var random = new Random(n);
            var image = new float[n];
            var mask = new int[n];
            for (var k = 0; k < n; k++)
            {
                image[k] = random.Next(12) switch
                {
                    0 => float.NaN,
                    1 => float.PositiveInfinity,
                    2 => float.NegativeInfinity,
                    3 => (float)saturate,
                    4 => MathF.BitDecrement((float)saturate),
                    5 => MathF.BitIncrement((float)saturate),
                    _ => (float)(random.NextDouble() * 2000),
                };
                mask[k] = random.Next(4) == 0 ? 1 << random.Next(12) : 0;
            }

            var expected = (int[])mask.Clone();
            for (var k = 0; k < n; k++)
            {
                if (!float.IsFinite(image[k]))
                {
                    expected[k] |= (int)MaskPlane.NoData;
                }
                else if (image[k] >= saturate)
                {
                    expected[k] |= (int)MaskPlane.Sat;
                }
            }

            ExposureFits.MarkUnusable(image, threshold, mask);

            Assert.Equal(expected, mask);
        }
    }

    [Fact]
    public void Saturation_threshold_is_the_smallest_float_at_or_above_the_double()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var saturate = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 40));
            var f = ExposureFits.SaturationThreshold(saturate);
            Assert.True(f >= saturate, $"{f:R} < {saturate:R}");
            Assert.True(MathF.BitDecrement(f) < saturate, $"{MathF.BitDecrement(f):R} >= {saturate:R}");
        }
    }

    [Fact]
    public void Subtract_in_place_equals_the_scalar_difference_at_every_length()
    {
        for (var n = 0; n <= 256; n++)
        {
            var random = new Random(n + 100);
            var row = new float[n];
            var level = new float[n];
            for (var x = 0; x < n; x++)
            {
                row[x] = x % 17 == 3 ? float.NaN : (float)(random.NextDouble() * 1e4);
                level[x] = (float)(random.NextDouble() * 1e3);
            }

            var expected = new float[n];
            for (var x = 0; x < n; x++)
            {
                expected[x] = row[x] - level[x];
            }

            ExposureFits.SubtractInPlace(row, level);

            Assert.Equal(expected, row);
        }
    }

    [Fact]
    public void Level_row_equals_the_level_of_the_full_row()
    {
        const int Width = 301;
        const int Height = 190;
        var random = new Random(3);
        var image = new float[Width * Height];
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)(100 + (5 * random.NextDouble()) + (k % Width * 0.01));
        }

        var background = BackgroundEstimator.Estimate(image, Width, Height, [], 0, meshSize: 32);
        var level = new float[Width];
        var rms = new float[Width];
        var alone = new float[Width];
        for (var y = 0; y < Height; y++)
        {
            background.FillRow(y, level, rms);
            background.FillLevelRow(y, alone);
            Assert.Equal(level, alone);
        }
    }
}
