namespace Apdb.Sky.Tests;

/// <summary>Seeded random cones and detector footprints, with a share placed on the poles and across RA 0/360.</summary>
internal static class RegionCases
{
    public static SkyPosition Center(Random random, int i) => (i % 8) switch
    {
        0 => SkyPosition.FromDegrees(random.NextDouble() * 360.0, 90.0 - random.NextDouble() * 0.01),
        1 => SkyPosition.FromDegrees(random.NextDouble() * 360.0, -90.0),
        2 => SkyPosition.FromDegrees(360.0 - random.NextDouble() * 1e-3, random.NextDouble() * 160.0 - 80.0),
        3 => SkyPosition.FromDegrees(random.NextDouble() * 1e-3, random.NextDouble() * 160.0 - 80.0),
        4 => SkyPosition.FromDegrees(random.Next(8) * 45.0, Math.Asin(2.0 / 3.0) * 180.0 / Math.PI),
        _ => RandomSky.Position(random),
    };

    /// <summary>Cones with radii from 1 arcsec to 30 degrees, at depths chosen so the pixel count stays modest.</summary>
    public static List<(SkyCone Cone, int Depth)> Cones(int seed, int count)
    {
        var random = new Random(seed);
        var cases = new List<(SkyCone, int)>();
        for (var i = 0; i < count; i++)
        {
            var radiusDeg = Math.Pow(10, -3.55 + random.NextDouble() * (Math.Log10(30) + 3.55));
            var depth = random.Next(0, 17);
            while (depth > 0 && ExpectedPixels(radiusDeg, depth) > 20_000)
            {
                depth--;
            }

            cases.Add((new SkyCone(Center(random, i), radiusDeg), depth));
        }

        return cases;
    }

    public static List<(DetectorFootprint Footprint, SphericalPolygon Polygon, int Depth)> Footprints(int seed, int count)
    {
        var random = new Random(seed);
        var cases = new List<(DetectorFootprint, SphericalPolygon, int)>();
        for (var i = 0; i < count; i++)
        {
            var footprint = i % 5 == 4
                ? new DetectorFootprint(Center(random, i), random.NextDouble() * 360.0, 3600.0 * (1 + 10 * random.NextDouble()), 3600.0 * (1 + 10 * random.NextDouble()))
                : DetectorFootprint.Lsst(Center(random, i), random.NextDouble() * 360.0);
            var polygon = footprint.ToPolygon(20.0);
            var depth = random.Next(0, 17);
            var side = Math.Max(footprint.WidthArcsec, footprint.HeightArcsec) / 3600.0;
            while (depth > 0 && ExpectedPixels(side, depth) > 20_000)
            {
                depth--;
            }

            cases.Add((footprint, polygon, depth));
        }

        return cases;
    }

    private static double ExpectedPixels(double radiusDeg, int depth)
    {
        var pixelSide = Math.Sqrt(4 * Math.PI / (12.0 * Math.Pow(4, depth))) * 180.0 / Math.PI;
        var r = radiusDeg / pixelSide;
        return Math.PI * r * r + 8 * r;
    }
}
