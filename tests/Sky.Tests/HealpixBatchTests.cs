using System.Runtime.Intrinsics;

namespace Apdb.Sky.Tests;

public sealed class HealpixBatchTests
{
    [Fact]
    public void Batch_hash_equals_the_scalar_reference_at_every_length_from_0_to_256()
    {
        var random = new Random(12);
        var (specialRa, specialDec) = SpecialPoints.All();
        foreach (var depth in new[] { 0, 1, 7, 18, 29 })
        {
            for (var length = 0; length <= 256; length++)
            {
                var ra = new double[length];
                var dec = new double[length];
                for (var i = 0; i < length; i++)
                {
                    if (random.Next(4) == 0)
                    {
                        var k = random.Next(specialRa.Length);
                        (ra[i], dec[i]) = (specialRa[k], specialDec[k]);
                    }
                    else
                    {
                        var p = RandomSky.Position(random);
                        (ra[i], dec[i]) = (p.RaDeg, p.DecDeg);
                    }
                }

                var batch = new long[length];
                HealpixNested.Hash(depth, ra, dec, batch);
                var reference = new long[length];
                Assert.False(HealpixNested.HashScalar(depth, ra, dec, reference, 0));
                Assert.Equal(reference, batch);
            }
        }
    }

    [Fact]
    public void Batch_hash_rejects_mismatched_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => HealpixNested.Hash(5, new double[3], new double[4], new long[3]));
        Assert.StartsWith("decDeg.Length = 4 differs from raDeg.Length = 3", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => HealpixNested.Hash(5, new double[3], new double[3], new long[2]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(31)]
    public void Batch_hash_reports_the_first_bad_coordinate_by_index(int badIndex)
    {
        var ra = Enumerable.Range(0, 32).Select(i => i * 10.0).ToArray();
        var dec = new double[32];
        dec[badIndex] = 95.0;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.Hash(10, ra, dec, new long[32]));
        Assert.StartsWith($"decDeg[{badIndex}] = 95 is outside [-90, 90]", error.Message, StringComparison.Ordinal);

        dec[badIndex] = 0;
        ra[badIndex] = double.NaN;
        error = Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.Hash(10, ra, dec, new long[32]));
        Assert.StartsWith($"raDeg[{badIndex}] = NaN is not a finite number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fast_z_polynomial_stays_well_inside_its_error_bound()
    {
        // The vector kernel's exactness rests on |z_fast - cos(theta)| <= FastZErrorBound; measure the real error
        // against libm's cos on the same theta, over the whole declination range and near the special latitudes.
        var random = new Random(13);
        var worst = 0.0;
        var buffer = new double[4];
        for (var i = 0; i < 1_000_000; i += 4)
        {
            for (var k = 0; k < 4; k++)
            {
                buffer[k] = i % 3 == 0 ? random.NextDouble() * 180.0 - 90.0 : Math.Asin(2 * random.NextDouble() - 1) * 180.0 / Math.PI;
            }

            var dec = Vector256.Create(buffer);
            var theta = Vector256.Create(HealpixNested.HalfPi) - dec * HealpixNested.DegToRad;
            var s = (Vector256.Create(1.5707963267948966) - theta) + Vector256.Create(6.123233995736766e-17);
            var z = HealpixNested.SinPolynomial(s);
            for (var k = 0; k < 4; k++)
            {
                worst = Math.Max(worst, Math.Abs(z[k] - Math.Cos(theta[k])));
            }
        }

        Assert.True(worst < HealpixNested.FastZErrorBound / 10, $"worst |z - cos| = {worst}");
    }
}
