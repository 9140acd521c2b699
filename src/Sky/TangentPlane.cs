using System.Diagnostics.Contracts;
using NetTopologySuite.Geometries;

namespace Apdb.Sky;

/// <summary>
/// The gnomonic (TAN) projection about a tangent point. Standard coordinates are in arcseconds: xi towards
/// increasing right ascension (east), eta towards the north celestial pole. Great circles project to straight
/// lines, so a planar polygon with vertices from <see cref="Project(SkyPosition)"/> maps back to a spherical polygon exactly.
/// </summary>
public sealed class TangentPlane
{
    private readonly UnitVector _east;
    private readonly UnitVector _north;

    /// <summary>Creates the projection about <paramref name="center"/>.</summary>
    public TangentPlane(SkyPosition center)
    {
        Center = center;
        CenterVector = center.ToUnitVector();
        var (sinRa, cosRa) = Math.SinCos(center.RaRad);
        var (sinDec, cosDec) = Math.SinCos(center.DecRad);
        _east = new UnitVector(-sinRa, cosRa, 0.0);
        _north = new UnitVector(-sinDec * cosRa, -sinDec * sinRa, cosDec);
    }

    /// <summary>The tangent point.</summary>
    public SkyPosition Center { get; }

    /// <summary>The tangent point as a unit vector.</summary>
    public UnitVector CenterVector { get; }

    /// <summary>The standard coordinates (xi, eta) in arcseconds of a position in the front hemisphere.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is 90 degrees or more from the tangent point.</exception>
    [Pure]
    public Coordinate Project(SkyPosition p) => Project(p.ToUnitVector());

    /// <summary>The standard coordinates (xi, eta) in arcseconds of a direction in the front hemisphere.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The direction is 90 degrees or more from the tangent point.</exception>
    [Pure]
    public Coordinate Project(UnitVector v)
    {
        var denominator = v.Dot(CenterVector);
        if (!(denominator > 1e-12))
        {
            Preconditions.ThrowOutOfRange(nameof(v), $"v = {v} is not in the hemisphere of the tangent point {Center}");
        }

        return new Coordinate(v.Dot(_east) / denominator / AstroConstants.RadiansPerArcsecond, v.Dot(_north) / denominator / AstroConstants.RadiansPerArcsecond);
    }

    /// <summary>The sky direction of standard coordinates (xi, eta) in arcseconds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is not finite.</exception>
    [Pure]
    public UnitVector Unproject(double xiArcsec, double etaArcsec)
    {
        Preconditions.Finite(xiArcsec, nameof(xiArcsec));
        Preconditions.Finite(etaArcsec, nameof(etaArcsec));
        return CenterVector
            .Add(_east.Scale(xiArcsec * AstroConstants.RadiansPerArcsecond))
            .Add(_north.Scale(etaArcsec * AstroConstants.RadiansPerArcsecond))
            .Normalize();
    }
}
