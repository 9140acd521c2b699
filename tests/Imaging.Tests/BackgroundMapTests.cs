namespace Apdb.Imaging.Tests;

public sealed class BackgroundMapTests
{
    /// <summary>
    /// The global RMS is the upper median of the finite mesh RMS values as LINQ's stable OrderBy gives it, down to which
    /// of -0 and +0 it returns.
    /// </summary>
    [Fact]
    public void Global_RMS_is_the_stable_upper_median_of_the_finite_mesh_values()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 500; trial++)
        {
            var n = random.Next(1, 40);
            var rms = new float[n];
            for (var k = 0; k < n; k++)
            {
                rms[k] = random.Next(6) switch
                {
                    0 => float.NaN,
                    1 => 0f,
                    2 => -0f,
                    3 => float.PositiveInfinity,
                    _ => (float)(random.Next(-3, 4) * 0.5),
                };
            }

            var sorted = rms.Where(float.IsFinite).Order().ToArray();
            var expected = sorted.Length == 0 ? float.NaN : sorted[sorted.Length / 2];

            var map = new BackgroundMap(n * 8, 8, 8, n, 1, new float[n], rms);

            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(map.GlobalRms));
        }
    }
}
