using Xunit.Abstractions;

namespace Apdb.Sky.Tests;

public sealed class CoverageOracleTests(ITestOutputHelper output)
{
    [OracleFact]
    public void Cone_coverage_holds_healpy_query_disc_and_is_at_most_four_times_its_inclusive_count()
    {
        // Reference: healpy 1.16.1 query_disc(nside, vec, radius, inclusive=False / True, nest=True).
        var cases = RegionCases.Cones(31, 200);
        var vec = cases.SelectMany(c => new[] { c.Cone.CenterVector.X, c.Cone.CenterVector.Y, c.Cone.CenterVector.Z }).ToArray();
        var radius = cases.Select(c => c.Cone.RadiusDeg * Math.PI / 180.0).ToArray();
        var depth = cases.Select(c => (long)c.Depth).ToArray();
        var result = Oracle.Run(
            """
            vec, radius, depth = inp('vec').reshape(-1, 3), inp('radius'), inp('depth', '<i8')
            inclusive, strict, offsets = [], [], [0]
            for v, r, d in zip(vec, radius, depth):
                inclusive.append(hp.query_disc(2 ** int(d), v, r, inclusive=True, nest=True).size)
                s = hp.query_disc(2 ** int(d), v, r, inclusive=False, nest=True)
                strict.append(s); offsets.append(offsets[-1] + s.size)
            out('inclusive', inclusive); out('strict', np.concatenate(strict)); out('offsets', offsets)
            """,
            ("vec", vec),
            ("radius", radius),
            ("depth", depth));
        CheckAgainstHealpy(cases.Select(c => ((ISkyRegion)c.Cone, c.Depth)).ToList(), result);
    }

    [OracleFact]
    public void Footprint_coverage_holds_healpy_query_polygon_and_is_at_most_four_times_its_inclusive_count()
    {
        // Reference: healpy 1.16.1 query_polygon(nside, vertices, inclusive=False / True, nest=True).
        var cases = RegionCases.Footprints(32, 150);
        var vertices = cases.SelectMany(c => c.Polygon.VertexVectors.SelectMany(v => new[] { v.X, v.Y, v.Z })).ToArray();
        var depth = cases.Select(c => (long)c.Depth).ToArray();
        var result = Oracle.Run(
            """
            vertices, depth = inp('vertices').reshape(-1, 4, 3), inp('depth', '<i8')
            inclusive, strict, offsets = [], [], [0]
            for v, d in zip(vertices, depth):
                inclusive.append(hp.query_polygon(2 ** int(d), v, inclusive=True, nest=True).size)
                s = hp.query_polygon(2 ** int(d), v, inclusive=False, nest=True)
                strict.append(s); offsets.append(offsets[-1] + s.size)
            out('inclusive', inclusive); out('strict', np.concatenate(strict)); out('offsets', offsets)
            """,
            ("vertices", vertices),
            ("depth", depth));
        CheckAgainstHealpy(cases.Select(c => ((ISkyRegion)c.Polygon, c.Depth)).ToList(), result);
    }

    private void CheckAgainstHealpy(List<(ISkyRegion Region, int Depth)> cases, OracleResult result)
    {
        var inclusive = result.Longs("inclusive");
        var strict = result.Longs("strict");
        var offsets = result.Longs("offsets");
        var worstRatio = 0.0;
        for (var i = 0; i < cases.Count; i++)
        {
            var (region, depth) = cases[i];
            var coverage = region.CoverageAtDepth(depth);

            // Pixels whose centre is inside the region certainly intersect it.
            for (var k = offsets[i]; k < offsets[i + 1]; k++)
            {
                Assert.True(coverage.ContainsAtDepth(strict[k]), $"{region} depth {depth}: healpy pixel {strict[k]} missing");
            }

            var ratio = coverage.PixelCount / (double)inclusive[i];
            worstRatio = Math.Max(worstRatio, ratio);
            Assert.True(coverage.PixelCount <= 4 * inclusive[i], $"{region} depth {depth}: {coverage.PixelCount} pixels vs healpy inclusive {inclusive[i]}");
        }

        Assert.True(worstRatio > 0);
        output.WriteLine($"worst pixel-count ratio to healpy inclusive: {worstRatio:F2}");
    }
}
