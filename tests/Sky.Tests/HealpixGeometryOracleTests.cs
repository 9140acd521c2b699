namespace Apdb.Sky.Tests;

public sealed class HealpixGeometryOracleTests
{
    private static (long[] Depth, long[] Ids) RandomPixels(int perDepth, int seed)
    {
        var random = new Random(seed);
        var depth = new List<long>();
        var ids = new List<long>();
        for (var d = 0; d <= HealpixNested.MaxDepth; d++)
        {
            var count = 12L << (2 * d);
            // First and last pixel of every face, plus random ones.
            for (var f = 0; f < 12; f++)
            {
                depth.Add(d);
                ids.Add(f * (count / 12));
                depth.Add(d);
                ids.Add((f + 1) * (count / 12) - 1);
            }

            for (var k = 0; k < perDepth; k++)
            {
                depth.Add(d);
                ids.Add(random.NextInt64(count));
            }
        }

        return (depth.ToArray(), ids.ToArray());
    }

    [OracleFact]
    public void Center_matches_healpy_pix2ang_at_every_depth()
    {
        // Reference: healpy 1.16.1 pix2ang(2**d, id, nest=True, lonlat=True).
        var (depth, ids) = RandomPixels(2000, 1);
        var result = Oracle.Run(
            """
            lon, lat = hp.pix2ang(2 ** inp('depth', '<i8'), inp('ids', '<i8'), nest=True, lonlat=True)
            out('lon', lon, '<f8'); out('lat', lat, '<f8')
            """,
            ("depth", depth),
            ("ids", ids));
        var lon = result.Doubles("lon");
        var lat = result.Doubles("lat");
        var worst = 0.0;
        for (var i = 0; i < ids.Length; i++)
        {
            var c = HealpixNested.Center((int)depth[i], ids[i]);
            var expected = SkyPosition.FromDegrees(lon[i], Math.Clamp(lat[i], -90, 90));
            worst = Math.Max(worst, AngularDistance.Degrees(c, expected));
            Assert.Equal(lat[i], c.DecDeg, 1e-9);
        }

        Assert.True(worst < 1e-10, $"worst centre offset {worst} deg");
    }

    [OracleFact]
    public void Corners_match_healpy_boundaries_in_the_order_north_west_south_east()
    {
        // Reference: healpy 1.16.1 boundaries(2**d, id, step=1, nest=True), shape (3, 4) per pixel.
        var (depth, ids) = RandomPixels(300, 2);
        var result = Oracle.Run(
            """
            depth, ids = inp('depth', '<i8'), inp('ids', '<i8')
            v = np.concatenate([hp.boundaries(2 ** int(d), ids[depth == d], step=1, nest=True).reshape(-1, 3, 4)
                                for d in range(30)])
            out('v', v, '<f8')
            """,
            ("depth", depth),
            ("ids", ids));
        var v = result.Doubles("v");
        var order = Enumerable.Range(0, ids.Length).OrderBy(i => depth[i]).ToArray();
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            var corners = HealpixNested.CornerVectors((int)depth[i], ids[i]);
            var positions = HealpixNested.Corners((int)depth[i], ids[i]);
            for (var c = 0; c < 4; c++)
            {
                var expected = new UnitVector(v[k * 12 + c], v[k * 12 + 4 + c], v[k * 12 + 8 + c]);
                Assert.True(AngularDistance.Radians(corners[c], expected) < 1e-13, $"depth {depth[i]} id {ids[i]} corner {c}");
                Assert.True(AngularDistance.Radians(positions[c].ToUnitVector(), expected) < 1e-12);
            }
        }
    }

    [OracleFact]
    public void Neighbours_match_healpy_get_all_neighbours()
    {
        // Reference: healpy 1.16.1 get_all_neighbours(2**d, id, nest=True): SW, W, NW, N, NE, E, SE, S; -1 where none.
        var (depth, ids) = RandomPixels(400, 3);
        var result = Oracle.Run(
            """
            depth, ids = inp('depth', '<i8'), inp('ids', '<i8')
            n = np.stack([hp.get_all_neighbours(2 ** int(d), i, nest=True) for d, i in zip(depth, ids)])
            out('n', n)
            """,
            ("depth", depth),
            ("ids", ids));
        var n = result.Longs("n");
        for (var i = 0; i < ids.Length; i++)
        {
            var ours = HealpixNested.Neighbours((int)depth[i], ids[i]);
            Assert.Equal(n.AsSpan(i * 8, 8).ToArray(), ours);
        }
    }

    [OracleFact]
    public void MaxPixelRadius_is_at_least_healpy_max_pixrad_and_close_to_it()
    {
        // Reference: healpy 1.16.1 max_pixrad(2**d, degrees=True).
        var depth = Enumerable.Range(0, 30).Select(d => (long)d).ToArray();
        var expected = Oracle.Run(
            "out('r', [hp.max_pixrad(2 ** int(d), degrees=True) for d in inp('depth', '<i8')], '<f8')",
            ("depth", depth)).Doubles("r");
        for (var d = 0; d <= HealpixNested.MaxDepth; d++)
        {
            var ours = HealpixNested.MaxPixelRadiusDeg(d);
            Assert.InRange(ours, expected[d], expected[d] * 1.02);
        }
    }
}
