using System.Diagnostics.Contracts;
using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// The one definition of separation used by every strategy: the squared chord between unit vectors.
/// A pair is within radius r when <c>chord^2 &lt;= (2 sin(r/2))^2</c>; distances are reported as
/// <c>2 asin(chord/2)</c>, which is exact for small and large angles alike.
/// </summary>
public static class ChordMetric
{
    /// <summary>Squared chord between two unit vectors, evaluated in one fixed order (no fused multiply-add).</summary>
    /// <param name="ax">X of the first vector.</param>
    /// <param name="ay">Y of the first vector.</param>
    /// <param name="az">Z of the first vector.</param>
    /// <param name="bx">X of the second vector.</param>
    /// <param name="by">Y of the second vector.</param>
    /// <param name="bz">Z of the second vector.</param>
    /// <returns>|a - b|^2.</returns>
    [Pure]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ChordSquared(double ax, double ay, double az, double bx, double by, double bz)
    {
        var dx = ax - bx;
        var dy = ay - by;
        var dz = az - bz;
        return (dx * dx) + (dy * dy) + (dz * dz);
    }

    /// <summary>Squared chord between an object and a source of two catalogs.</summary>
    /// <param name="objects">The object catalog.</param>
    /// <param name="objectIndex">Row of the object.</param>
    /// <param name="sources">The source catalog.</param>
    /// <param name="sourceIndex">Row of the source.</param>
    /// <returns>The squared chord.</returns>
    [Pure]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ChordSquared(Catalog objects, int objectIndex, Catalog sources, int sourceIndex)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        return ChordSquared(
            sources.X[sourceIndex], sources.Y[sourceIndex], sources.Z[sourceIndex],
            objects.X[objectIndex], objects.Y[objectIndex], objects.Z[objectIndex]);
    }

    /// <summary>The squared chord of an angle: <c>(2 sin(r/2))^2</c>.</summary>
    /// <param name="radiusArcsec">The angle in arcseconds, in [0, 648000].</param>
    /// <returns>The squared chord that the pair test compares against.</returns>
    [Pure]
    public static double LimitForRadiusArcsec(double radiusArcsec)
    {
        var half = Math.Sin(0.5 * radiusArcsec * AstroConstants.RadiansPerArcsecond);
        return 4.0 * half * half;
    }

    /// <summary>A slightly larger limit that candidate finders may use to prefilter; the exact test decides.</summary>
    /// <param name="limitSquared">The exact limit from <see cref="LimitForRadiusArcsec"/>.</param>
    /// <returns>A limit that never excludes a pair the exact test accepts.</returns>
    [Pure]
    public static double LooseLimit(double limitSquared) => (limitSquared * (1.0 + 1e-9)) + 1e-30;

    /// <summary>The angle in arcseconds for a squared chord.</summary>
    /// <param name="chordSquared">The squared chord, in [0, 4].</param>
    /// <returns><c>2 asin(chord/2)</c> in arcseconds.</returns>
    [Pure]
    public static double ToArcsec(double chordSquared) =>
        2.0 * Math.Asin(Math.Min(1.0, 0.5 * Math.Sqrt(chordSquared))) * AstroConstants.ArcsecondsPerRadian;
}
