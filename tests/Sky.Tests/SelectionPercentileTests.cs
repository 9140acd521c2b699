namespace Apdb.Sky.Tests;

/// <summary>
/// <see cref="Selection.Percentile"/> against numpy 1.24's <c>np.percentile(values, q)</c> (default method 'linear'),
/// whose outputs are quoted below.
/// </summary>
public sealed class SelectionPercentileTests
{
    private static readonly double[] Values = [0.31, 0.05, 0.12, 0.9, 0.44, 0.27, 0.08];

    [Theory]
    // np.percentile([0.31, 0.05, 0.12, 0.9, 0.44, 0.27, 0.08], [0, 50, 95, 99, 100])
    [InlineData(0, 0.05)]
    [InlineData(50, 0.27)]
    [InlineData(95, 0.7619999999999997)]
    [InlineData(99, 0.8723999999999998)]
    [InlineData(100, 0.9)]
    public void Percentiles_match_numpys_linear_method(double percent, double numpy)
    {
        Assert.Equal(numpy, Selection.Percentile(Values, percent), 12);
    }

    [Fact]
    public void An_even_count_interpolates_between_ranks_like_numpy()
    {
        // np.percentile([1.0, 2.0, 3.0, 4.0], [50, 95, 99]) = [2.5, 3.85, 3.97]
        double[] values = [4.0, 1.0, 3.0, 2.0];
        Assert.Equal(2.5, Selection.Percentile(values, 50), 12);
        Assert.Equal(3.8499999999999996, Selection.Percentile(values, 95), 12);
        Assert.Equal(3.9699999999999998, Selection.Percentile(values, 99), 12);
        Assert.Equal([4.0, 1.0, 3.0, 2.0], values);
    }

    [Fact]
    public void One_value_is_every_percentile_and_none_is_nan()
    {
        Assert.Equal(2.5, Selection.Percentile([2.5], 99));
        Assert.True(double.IsNaN(Selection.Percentile([], 50)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void A_percent_outside_0_to_100_is_refused(double percent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Selection.Percentile(Values, percent));
    }
}
