using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace Apdb.Sky;

/// <summary>
/// Planar helpers in a tangent plane (arcsec), for quick-look unions, padding and point tests of several
/// footprints. They approximate: the exact spherical answer for a single footprint comes from <see cref="SphericalPolygon"/>.
/// </summary>
public static class PlanarFootprints
{
    /// <summary>The factory used for planar footprints (floating precision, no SRID).</summary>
    public static GeometryFactory Factory { get; } = new(new PrecisionModel(), 0);

    /// <summary>The union of footprints in one tangent plane, each grown by <paramref name="paddingArcsec"/> (NTS buffer, mitred corners).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The padding is negative or not finite.</exception>
    public static Geometry Union(TangentPlane plane, IEnumerable<DetectorFootprint> footprints, double paddingArcsec = 0.0)
    {
        ArgumentNullException.ThrowIfNull(plane);
        ArgumentNullException.ThrowIfNull(footprints);
        Preconditions.NonNegativeFinite(paddingArcsec, nameof(paddingArcsec));
        var polygons = new List<Geometry>();
        foreach (var f in footprints)
        {
            Geometry g = f.ToPlanarPolygon(plane);
            if (paddingArcsec > 0.0)
            {
                g = g.Buffer(paddingArcsec, new NetTopologySuite.Operation.Buffer.BufferParameters
                {
                    JoinStyle = NetTopologySuite.Operation.Buffer.JoinStyle.Mitre,
                    MitreLimit = 2.0,
                });
            }

            polygons.Add(g);
        }

        return polygons.Count == 0 ? Factory.CreatePolygon() : CascadedPolygonUnion.Union(polygons);
    }

    /// <summary>Whether a sky position projects inside a planar geometry of the same tangent plane (boundary included).</summary>
    public static bool Contains(Geometry planar, TangentPlane plane, SkyPosition p)
    {
        ArgumentNullException.ThrowIfNull(planar);
        ArgumentNullException.ThrowIfNull(plane);
        var v = p.ToUnitVector();
        if (!(v.Dot(plane.CenterVector) > 1e-12))
        {
            return false;
        }

        return planar.Covers(Factory.CreatePoint(plane.Project(v)));
    }
}
