using System.Globalization;

namespace Apdb.Sky;

/// <summary>A disc on the sphere: every point within <see cref="RadiusDeg"/> (inclusive) of <see cref="Center"/>.</summary>
public sealed class SkyCone : ISkyRegion
{
    private readonly double _radiusRad;

    /// <summary>Creates a cone.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The radius is not in (0, 180) degrees.</exception>
    public SkyCone(SkyPosition center, double radiusDeg)
    {
        Preconditions.Radius(radiusDeg, nameof(radiusDeg));
        Center = center;
        RadiusDeg = radiusDeg;
        CenterVector = center.ToUnitVector();
        _radiusRad = radiusDeg * (Math.PI / 180.0);
    }

    /// <summary>The centre.</summary>
    public SkyPosition Center { get; }

    /// <summary>The centre as a unit vector.</summary>
    public UnitVector CenterVector { get; }

    /// <summary>The radius in degrees, in (0, 180).</summary>
    public double RadiusDeg { get; }

    /// <inheritdoc />
    public bool Contains(SkyPosition p) => AngularDistance.Radians(CenterVector, p.ToUnitVector()) <= _radiusRad;

    /// <summary>Whether a direction is in the cone.</summary>
    public bool Contains(UnitVector v) => AngularDistance.Radians(CenterVector, v) <= _radiusRad;

    /// <inheritdoc />
    public PixelCoverage Coverage(int maxRanges = 64) => CoverageBuilder.Adaptive(new ConeClassifier(CenterVector, _radiusRad), maxRanges);

    /// <inheritdoc />
    public PixelCoverage CoverageAtDepth(int depth) => CoverageBuilder.AtDepth(new ConeClassifier(CenterVector, _radiusRad), depth);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cone {Center} r {RadiusDeg:R} deg");
}
