using System.Diagnostics.Contracts;
using System.Globalization;
using NetTopologySuite.Geometries;

namespace Apdb.Sky;

/// <summary>
/// A rectangular detector on the sky: a width x height rectangle in the tangent plane at <see cref="Center"/>,
/// rotated by <see cref="RotationDeg"/>. The rotation is the position angle of the detector's +y axis, measured from
/// north through east; at 0 the +x axis points east.
/// </summary>
public sealed class DetectorFootprint
{
    /// <summary>An LSST science sensor side: 4096 pixels of 0.2 arcsec.</summary>
    public const double LsstSideArcsec = 4096 * 0.2;

    /// <summary>Creates a footprint.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rotation is not finite, or a side is not finite and positive.</exception>
    public DetectorFootprint(SkyPosition center, double rotationDeg, double widthArcsec, double heightArcsec)
    {
        Preconditions.Finite(rotationDeg, nameof(rotationDeg));
        Preconditions.PositiveFinite(widthArcsec, nameof(widthArcsec));
        Preconditions.PositiveFinite(heightArcsec, nameof(heightArcsec));
        Center = center;
        RotationDeg = rotationDeg;
        WidthArcsec = widthArcsec;
        HeightArcsec = heightArcsec;
        Plane = new TangentPlane(center);
    }

    /// <summary>The centre, also the tangent point.</summary>
    public SkyPosition Center { get; }

    /// <summary>Position angle of the detector +y axis, east of north, in degrees.</summary>
    public double RotationDeg { get; }

    /// <summary>Extent along the detector x axis, in arcseconds.</summary>
    public double WidthArcsec { get; }

    /// <summary>Extent along the detector y axis, in arcseconds.</summary>
    public double HeightArcsec { get; }

    /// <summary>The gnomonic projection about <see cref="Center"/>.</summary>
    public TangentPlane Plane { get; }

    /// <summary>An LSST-sized sensor (819.2 arcsec square).</summary>
    [Pure]
    public static DetectorFootprint Lsst(SkyPosition center, double rotationDeg) =>
        new(center, rotationDeg, LsstSideArcsec, LsstSideArcsec);

    /// <summary>
    /// The four corners in the tangent plane (xi, eta arcsec), in the order (-x,-y), (+x,-y), (+x,+y), (-x,+y).
    /// </summary>
    [Pure]
    public Coordinate[] PlanarCorners()
    {
        var (sin, cos) = Math.SinCos(RotationDeg * (Math.PI / 180.0));
        var hw = 0.5 * WidthArcsec;
        var hh = 0.5 * HeightArcsec;
        ReadOnlySpan<(double U, double V)> local = [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)];
        var result = new Coordinate[4];
        for (var i = 0; i < 4; i++)
        {
            var (u, v) = local[i];
            result[i] = new Coordinate(u * cos + v * sin, -u * sin + v * cos);
        }

        return result;
    }

    /// <summary>
    /// The exact spherical footprint: the planar corners projected back to the sphere; because the projection is
    /// gnomonic, its great-circle edges are the images of the rectangle's edges.
    /// </summary>
    [Pure]
    public SphericalPolygon ToPolygon()
    {
        var corners = PlanarCorners();
        var vertices = new UnitVector[4];
        for (var i = 0; i < 4; i++)
        {
            vertices[i] = Plane.Unproject(corners[i].X, corners[i].Y);
        }

        return SphericalPolygon.FromVertices(vertices);
    }

    /// <summary>The spherical footprint grown by <paramref name="paddingArcsec"/> on every side.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The padding is negative or not finite.</exception>
    [Pure]
    public SphericalPolygon ToPolygon(double paddingArcsec) => ToPolygon().Padded(paddingArcsec);

    /// <summary>The footprint as a planar NetTopologySuite polygon in the given tangent plane (arcsec).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A corner is 90 degrees or more from the plane's tangent point.</exception>
    [Pure]
    public Polygon ToPlanarPolygon(TangentPlane plane, GeometryFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(plane);
        factory ??= PlanarFootprints.Factory;
        var corners = PlanarCorners();
        var ring = new Coordinate[5];
        for (var i = 0; i < 4; i++)
        {
            ring[i] = ReferenceEquals(plane, Plane) ? corners[i] : plane.Project(Plane.Unproject(corners[i].X, corners[i].Y));
        }

        ring[4] = ring[0].Copy();
        return factory.CreatePolygon(ring);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"detector {Center} rot {RotationDeg:R} deg {WidthArcsec:R} x {HeightArcsec:R} arcsec");
}
