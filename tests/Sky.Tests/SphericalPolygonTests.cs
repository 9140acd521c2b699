namespace Apdb.Sky.Tests;

public sealed class SphericalPolygonTests
{
    private static SkyPosition P(double ra, double dec) => SkyPosition.FromDegrees(ra, dec);

    [Fact]
    public void Either_winding_gives_the_same_counter_clockwise_polygon()
    {
        var ccw = SphericalPolygon.FromVertices([P(10, 10), P(20, 10), P(20, 20), P(10, 20)]);
        var cw = SphericalPolygon.FromVertices([P(10, 20), P(20, 20), P(20, 10), P(10, 10)]);
        Assert.True(ccw.Contains(P(15, 15)));
        Assert.True(cw.Contains(P(15, 15)));
        Assert.False(cw.Contains(P(25, 15)));
        Assert.False(cw.Contains(P(195, -15)));
        var v = cw.VertexVectors;
        Assert.True(v[0].Cross(v[1]).Dot(v[2]) > 0);
    }

    [Fact]
    public void Bad_vertex_lists_are_rejected_saying_what_is_wrong()
    {
        var two = Assert.Throws<ArgumentException>(() => SphericalPolygon.FromVertices(new[] { P(0, 0), P(1, 0) }));
        Assert.StartsWith("vertices.Count = 2 is less than 3", two.Message, StringComparison.Ordinal);

        var concave = Assert.Throws<ArgumentException>(() => SphericalPolygon.FromVertices([P(0, 0), P(10, 0), P(5, 2), P(10, 10), P(0, 10)]));
        Assert.Contains("is not convex", concave.Message, StringComparison.Ordinal);

        var repeated = Assert.Throws<ArgumentException>(() => SphericalPolygon.FromVertices([P(0, 0), P(0, 0), P(1, 1)]));
        Assert.Contains("coincide", repeated.Message, StringComparison.Ordinal);

        var collinear = Assert.Throws<ArgumentException>(() => SphericalPolygon.FromVertices([P(0, 0), P(1, 0), P(2, 0)]));
        Assert.Contains("great circle", collinear.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Padding_contains_every_point_within_the_padding_and_little_more()
    {
        // A detector-sized square and a large one, at mid latitude and over the pole.
        var random = new Random(17);
        foreach (var footprint in new[]
                 {
                     DetectorFootprint.Lsst(P(359.99, 35), 30),
                     DetectorFootprint.Lsst(P(0, 90), 0),
                     new DetectorFootprint(P(100, -60), 10, 36000, 20000),
                 })
        {
            var polygon = footprint.ToPolygon();
            const double padArcsec = 20.0;
            var padded = polygon.Padded(padArcsec);
            var pad = padArcsec / 3600.0 * Math.PI / 180.0;
            var vertices = polygon.VertexVectors;
            for (var i = 0; i < vertices.Count; i++)
            {
                var a = vertices[i];
                var b = vertices[(i + 1) % vertices.Count];
                for (var k = 0; k <= 200; k++)
                {
                    // A point on the edge, pushed out by just under the padding in a random outward direction.
                    var t = k / 200.0;
                    var onEdge = a.Scale(1 - t).Add(b.Scale(t)).Normalize();
                    var outward = RandomSky.Offset(onEdge, pad * (1 - 1e-9), random.NextDouble() * 2 * Math.PI);
                    Assert.True(padded.Contains(outward) || polygon.Contains(outward), $"{footprint} edge {i} t {t}");
                    // And a point beyond the padding plus a little is outside, away from the corners.
                    var normal = a.Cross(b).Normalize();
                    var beyond = onEdge.Add(normal.Scale(-Math.Sin(pad * 1.05))).Normalize();
                    if (t is > 0.05 and < 0.95)
                    {
                        Assert.False(padded.Contains(beyond), $"{footprint} edge {i} t {t} too loose");
                    }
                }
            }
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DetectorFootprint.Lsst(P(1, 1), 0).ToPolygon().Padded(-1));
        Assert.StartsWith("paddingArcsec = -1 must be finite and >= 0", error.Message, StringComparison.Ordinal);
    }
}
