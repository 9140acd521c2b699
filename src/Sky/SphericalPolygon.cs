using System.Collections.ObjectModel;
using System.Diagnostics.Contracts;

namespace Apdb.Sky;

/// <summary>
/// A convex polygon whose edges are great-circle arcs. Vertices are kept counter-clockwise as seen from outside
/// the sphere: for each edge, v[i] x v[i+1] points into the polygon.
/// </summary>
public sealed class SphericalPolygon : ISkyRegion
{
    // Below this |n . v| a vertex is taken to lie on an edge's circle (about 0.2 milliarcseconds).
    private const double DegenerateSine = 1e-9;

    private readonly UnitVector[] _vertices;
    private readonly UnitVector[] _normals;
    private readonly UnitVector _capCenter;
    private readonly double _capRadiusRad;

    private SphericalPolygon(UnitVector[] vertices, UnitVector[] inwardNormals)
    {
        _vertices = vertices;
        _normals = inwardNormals;
        var positions = new SkyPosition[vertices.Length];
        var sum = new UnitVector(0, 0, 0);
        for (var i = 0; i < vertices.Length; i++)
        {
            positions[i] = SkyPosition.FromUnitVector(vertices[i]);
            sum = sum.Add(vertices[i]);
        }

        Vertices = new ReadOnlyCollection<SkyPosition>(positions);

        // The vertex centroid and the farthest vertex bound a convex polygon (each edge arc lies within the cap
        // spanned by its end points, and the interior within the edges).
        _capCenter = sum.Normalize();
        foreach (var v in vertices)
        {
            _capRadiusRad = Math.Max(_capRadiusRad, AngularDistance.Radians(_capCenter, v));
        }

        // A cap of 90 degrees or more is not convex, so it no longer bounds the hull of the vertices.
        if (_capRadiusRad >= 0.49 * Math.PI)
        {
            _capRadiusRad = Math.PI;
        }
    }

    /// <summary>The vertices, counter-clockwise seen from outside the sphere.</summary>
    public IReadOnlyList<SkyPosition> Vertices { get; }

    /// <summary>The vertices as unit vectors, in the order of <see cref="Vertices"/>.</summary>
    public IReadOnlyList<UnitVector> VertexVectors => _vertices;

    /// <summary>
    /// Builds a convex polygon from its vertices in either winding order.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 vertices, repeated or collinear vertices, or the polygon is not convex.</exception>
    [Pure]
    public static SphericalPolygon FromVertices(IReadOnlyList<SkyPosition> vertices)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        return FromVectors([.. vertices.Select(v => v.ToUnitVector())], nameof(vertices));
    }

    /// <summary>Builds a convex polygon from unit-vector vertices in either winding order.</summary>
    /// <exception cref="ArgumentException">Fewer than 3 vertices, repeated or collinear vertices, or the polygon is not convex.</exception>
    [Pure]
    public static SphericalPolygon FromVertices(IReadOnlyList<UnitVector> vertices)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        return FromVectors([.. vertices.Select(v => v.Normalize())], nameof(vertices));
    }

    private static SphericalPolygon FromVectors(UnitVector[] v, string name)
    {
        var n = v.Length;
        if (n < 3)
        {
            Preconditions.ThrowArgument(name, $"{name}.Count = {n} is less than 3");
        }

        for (var i = 0; i < n; i++)
        {
            var j = (i + 1) % n;
            if (v[i].Cross(v[j]).Length < DegenerateSine)
            {
                Preconditions.ThrowArgument(name, $"{name}[{i}] and {name}[{j}] coincide or are antipodal");
            }
        }

        var normals = EdgeNormals(v);
        var sign = Math.Sign(normals[0].Dot(v[2 % n]));
        if (sign == 0)
        {
            Preconditions.ThrowArgument(name, $"{name}[2] lies on the great circle of edge 0-1");
        }

        if (sign < 0)
        {
            Array.Reverse(v);
            normals = EdgeNormals(v);
        }

        // Every vertex must lie strictly inside every edge's hemisphere, except the edge's own two ends.
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < n; k++)
            {
                if (k == i || k == (i + 1) % n)
                {
                    continue;
                }

                if (!(normals[i].Dot(v[k]) > DegenerateSine))
                {
                    var original = sign < 0 ? n - 1 - k : k;
                    Preconditions.ThrowArgument(name, $"{name} is not convex: vertex {original} is not inside edge {i}");
                }
            }
        }

        return new SphericalPolygon(v, normals);
    }

    private static UnitVector[] EdgeNormals(UnitVector[] v)
    {
        var normals = new UnitVector[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            normals[i] = v[i].Cross(v[(i + 1) % v.Length]).Normalize();
        }

        return normals;
    }

    /// <inheritdoc />
    public bool Contains(SkyPosition p) => Contains(p.ToUnitVector());

    /// <summary>Whether a unit vector is inside or on the boundary.</summary>
    public bool Contains(UnitVector v)
    {
        foreach (var n in _normals)
        {
            if (n.Dot(v) < 0.0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The polygon grown outward by <paramref name="paddingArcsec"/>: every point within that distance of this polygon
    /// is inside the result (typically a detector footprint plus a 20 arcsec margin). Each edge's great circle is
    /// tilted about the axis along the edge so that both ends of the edge, the points that move least, move out by the
    /// full padding; the new vertices are where neighbouring tilted circles meet.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The padding is negative or not finite.</exception>
    /// <exception cref="ArgumentException">The padding is so large that the result is no longer a convex polygon.</exception>
    [Pure]
    public SphericalPolygon Padded(double paddingArcsec)
    {
        Preconditions.NonNegativeFinite(paddingArcsec, nameof(paddingArcsec));
        if (paddingArcsec == 0.0)
        {
            return this;
        }

        var n = _vertices.Length;
        var pad = paddingArcsec * AstroConstants.RadiansPerArcsecond;
        var tilted = new UnitVector[n];
        for (var i = 0; i < n; i++)
        {
            var a = _vertices[i];
            var b = _vertices[(i + 1) % n];
            var mid = a.Add(b).Normalize();
            var halfLength = 0.5 * AngularDistance.Radians(a, b);

            // The end points move by asin(sin(alpha) cos(halfLength)); solve for alpha so that is the padding.
            var sinAlpha = Math.Min(1.0, Math.Sin(pad) / Math.Cos(halfLength) * (1 + 1e-12));
            var cosAlpha = Math.Sqrt(1.0 - sinAlpha * sinAlpha);
            tilted[i] = _normals[i].Scale(cosAlpha).Add(mid.Scale(sinAlpha));
        }

        var vertices = new UnitVector[n];
        for (var i = 0; i < n; i++)
        {
            var corner = tilted[(i + n - 1) % n].Cross(tilted[i]).Normalize();
            vertices[i] = corner.Dot(_vertices[i]) >= 0 ? corner : corner.Negate();
        }

        return FromVectors(vertices, nameof(paddingArcsec));
    }

    /// <inheritdoc />
    public PixelCoverage Coverage(int maxRanges = 64) =>
        CoverageBuilder.Adaptive(new PolygonClassifier(_normals, _capCenter, _capRadiusRad), maxRanges);

    /// <inheritdoc />
    public PixelCoverage CoverageAtDepth(int depth) =>
        CoverageBuilder.AtDepth(new PolygonClassifier(_normals, _capCenter, _capRadiusRad), depth);
}
