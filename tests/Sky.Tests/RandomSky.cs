namespace Apdb.Sky.Tests;

/// <summary>Seeded random positions, uniform on the sphere or within a cap.</summary>
internal static class RandomSky
{
    public static (double[] Ra, double[] Dec) Uniform(Random random, int count)
    {
        var ra = new double[count];
        var dec = new double[count];
        for (var i = 0; i < count; i++)
        {
            ra[i] = random.NextDouble() * 360.0;
            dec[i] = Math.Asin(2.0 * random.NextDouble() - 1.0) * (180.0 / Math.PI);
        }

        return (ra, dec);
    }

    public static SkyPosition Position(Random random) =>
        SkyPosition.FromDegrees(random.NextDouble() * 360.0, Math.Asin(2.0 * random.NextDouble() - 1.0) * (180.0 / Math.PI));

    /// <summary>A point uniformly distributed in the cap of angular radius <paramref name="radiusDeg"/> about <paramref name="center"/>.</summary>
    public static UnitVector InCap(Random random, UnitVector center, double radiusDeg)
    {
        // Uniform in area: cos(distance) uniform in [cos r, 1]; 1 - cos computed directly keeps tiny caps non-degenerate.
        var oneMinusCosR = 2.0 * Math.Pow(Math.Sin(radiusDeg * Math.PI / 360.0), 2);
        var oneMinusCos = random.NextDouble() * oneMinusCosR;
        var distance = 2.0 * Math.Asin(Math.Sqrt(oneMinusCos / 2.0));
        var azimuth = random.NextDouble() * 2.0 * Math.PI;
        return Offset(center, distance, azimuth);
    }

    /// <summary>The point at angular distance <paramref name="distanceRad"/> from <paramref name="center"/> in direction <paramref name="azimuthRad"/>.</summary>
    public static UnitVector Offset(UnitVector center, double distanceRad, double azimuthRad)
    {
        // Any unit vector orthogonal to the centre, then rotate about the centre.
        var helper = Math.Abs(center.Z) < 0.9 ? UnitVector.FromComponents(0, 0, 1) : UnitVector.FromComponents(1, 0, 0);
        var e1 = helper.Cross(center).Normalize();
        var e2 = center.Cross(e1);
        var (sa, ca) = Math.SinCos(azimuthRad);
        var (sd, cd) = Math.SinCos(distanceRad);
        return UnitVector.FromComponents(
            center.X * cd + (e1.X * ca + e2.X * sa) * sd,
            center.Y * cd + (e1.Y * ca + e2.Y * sa) * sd,
            center.Z * cd + (e1.Z * ca + e2.Z * sa) * sd);
    }
}
