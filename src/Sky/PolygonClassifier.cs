namespace Apdb.Sky;

/// <summary>
/// Classifies pixels against a convex polygon: a pixel is outside when its bounding cap lies beyond one edge's
/// great circle or beyond the polygon's enclosing cap, inside when the cap lies within every edge.
/// The enclosing-cap test matters at low depths, where a pixel near the antipode is within a pixel radius of
/// every edge circle and the edge tests alone would keep it.
/// </summary>
internal readonly struct PolygonClassifier : IPixelClassifier
{
    private const double MarginRad = 1e-13;

    private readonly UnitVector[] _normals;
    private readonly UnitVector _capCenter;
    private readonly double[] _capOutsideChord2;
    private readonly double[] _sinPixel;

    public PolygonClassifier(UnitVector[] inwardNormals, UnitVector capCenter, double capRadiusRad)
    {
        _normals = inwardNormals;
        _capCenter = capCenter;
        _capOutsideChord2 = new double[HealpixNested.MaxDepth + 1];
        _sinPixel = new double[HealpixNested.MaxDepth + 1];
        for (var d = 0; d <= HealpixNested.MaxDepth; d++)
        {
            var pixel = HealpixNested.MaxPixelRadiusRad(d) + MarginRad;
            var outer = capRadiusRad + pixel;
            _capOutsideChord2[d] = outer >= Math.PI ? double.PositiveInfinity : ConeClassifier.Chord2(outer);
            _sinPixel[d] = pixel >= Math.PI / 2 ? 1.0 : Math.Sin(pixel);
        }
    }

    public PixelClass Classify(int depth, UnitVector center)
    {
        if (AngularDistance.ChordSquared(_capCenter, center) > _capOutsideChord2[depth])
        {
            return PixelClass.Outside;
        }

        var sinPixel = _sinPixel[depth];
        var inside = true;
        foreach (var n in _normals)
        {
            var s = n.Dot(center);
            if (s < -sinPixel)
            {
                return PixelClass.Outside;
            }

            inside &= s >= sinPixel;
        }

        return inside ? PixelClass.Inside : PixelClass.Partial;
    }
}
