namespace Apdb.Imaging.Tests;

/// <summary>
/// The vectorised kernels of the estimated variance against their scalar definitions, bit for bit (signed zeros and
/// NaN included), at every row length 0-256 so that each vector body and scalar tail is exercised.
/// </summary>
public sealed class VarianceKernelTests
{
    private const int MaxLength = 256;

    [Fact]
    public void Residual_is_image_minus_level_with_non_finite_values_zeroed_at_every_length()
    {
        for (var n = 0; n <= MaxLength; n++)
        {
            var random = new Random(n);
            var image = Values(random, n, special: true);
            var level = Values(random, n, special: true);
            var residual = new float[n];

            ExposureFits.Residual(image, level, residual);

            for (var x = 0; x < n; x++)
            {
                var d = image[x] - level[x];
                AssertBits(float.IsFinite(d) ? d : 0f, residual[x], n, x);
            }
        }
    }

    [Fact]
    public void Subtracting_residual_writes_the_difference_and_the_zeroed_residual_at_every_length()
    {
        for (var n = 0; n <= MaxLength; n++)
        {
            var random = new Random(n + 4000);
            var image = Values(random, n, special: true);
            var level = Values(random, n, special: true);
            var original = (float[])image.Clone();
            var residual = new float[n];

            ExposureFits.ResidualSubtracting(image, level, residual);

            for (var x = 0; x < n; x++)
            {
                var d = original[x] - level[x];
                AssertBits(d, image[x], n, x);
                AssertBits(float.IsFinite(d) ? d : 0f, residual[x], n, x);
            }
        }
    }

    [Fact]
    public void Fused_box_sums_equal_the_single_half_width_sums_at_every_length()
    {
        for (var n = 0; n <= MaxLength; n++)
        {
            var row = Values(new Random(n + 1000), n, special: false);
            if (n > 3)
            {
                row[0] = -0f;
                row[1] = -0f;
                row[2] = -0f;
            }

            var sums3 = new float[n];
            var sums5 = new float[n];
            var expected3 = new float[n];
            var expected5 = new float[n];

            ExposureFits.HorizontalBoxSums3And5(row, sums3, sums5);
            BackgroundEstimator.HorizontalBoxSum(row, expected3, 1);
            BackgroundEstimator.HorizontalBoxSum(row, expected5, 2);

            for (var x = 0; x < n; x++)
            {
                AssertBits(expected3[x], sums3[x], n, x);
                AssertBits(expected5[x], sums5[x], n, x);
            }
        }
    }

    [Fact]
    public void Poisson_variance_row_equals_its_scalar_definition_at_every_length()
    {
        const float Gain = 1.7f;
        for (var n = 0; n <= MaxLength; n++)
        {
            var random = new Random(n + 2000);
            var sums5 = Values(random, 5 * n, special: n % 3 == 0);
            var sums3 = Values(random, 3 * n, special: n % 3 == 0);
            var rms = Values(random, n, special: false);
            for (var x = 0; x < n; x++)
            {
                rms[x] = Math.Abs(rms[x]) / 4;
            }

            var output = new float[n];

            ExposureFits.PoissonVarianceRow(sums5, sums3, rms, Gain, output);

            for (var x = 0; x < n; x++)
            {
                // BoxSmooth's order: the first row, the others added one by one, then the 1/25 (1/9) scaling.
                var smooth = sums5[x];
                for (var i = 1; i < 5; i++)
                {
                    smooth += sums5[(i * n) + x];
                }

                smooth *= 1f / 25f;
                var local = sums3[x];
                for (var i = 1; i < 3; i++)
                {
                    local += sums3[(i * n) + x];
                }

                local *= 1f / 9f;
                var source = smooth > 3f * rms[x] / 5f ? Math.Max(local, 0f) / Gain : 0f;
                AssertBits((rms[x] * rms[x]) + source, output[x], n, x);
            }
        }
    }

    [Fact]
    public void Squares_equal_scalar_products_at_every_length()
    {
        for (var n = 0; n <= MaxLength; n++)
        {
            var values = Values(new Random(n + 3000), n, special: true);
            var output = new float[n];

            PixelMath.Squares(values, output);

            for (var x = 0; x < n; x++)
            {
                AssertBits(values[x] * values[x], output[x], n, x);
            }
        }
    }

    [Fact]
    public void Short_outputs_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ExposureFits.Residual(new float[9], new float[9], new float[8]));
        Assert.Throws<ArgumentException>(() => ExposureFits.ResidualSubtracting(new float[9], new float[8], new float[9]));
        Assert.Throws<ArgumentException>(() => ExposureFits.HorizontalBoxSums3And5(new float[9], new float[9], new float[8]));
        Assert.Throws<ArgumentException>(() => ExposureFits.PoissonVarianceRow(new float[40], new float[23], new float[8], 1f, new float[8]));
        Assert.Throws<ArgumentException>(() => PixelMath.Squares(new float[9], new float[8]));
    }

    /// <summary>Sky-like values around 0 with, when <paramref name="special"/>, NaN, infinities and signed zeros mixed in.</summary>
    private static float[] Values(Random random, int n, bool special)
    {
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.3) * 200);
            if (special)
            {
                values[i] = random.Next(16) switch
                {
                    0 => float.NaN,
                    1 => float.PositiveInfinity,
                    2 => float.NegativeInfinity,
                    3 => -0f,
                    4 => 0f,
                    _ => values[i],
                };
            }
        }

        return values;
    }

    private static void AssertBits(float expected, float actual, int length, int index) =>
        Assert.True(
            BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual)),
            $"length {length}, index {index}: expected {expected:R}, got {actual:R}");
}
