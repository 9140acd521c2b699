using Apdb.Records;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>
/// The DiaSource flags that keep an unmatched source from founding a new DiaObject: ap_association's
/// <c>newObjectBadFlags</c> (diaPipe.py, 2026): centroid_flag, pixelFlags_crCenter, pixelFlags_nodataCenter,
/// pixelFlags_interpolatedCenter, pixelFlags_saturatedCenter, pixelFlags_suspectCenter, pixelFlags_streakCenter and
/// glint_trail. A null flag counts as not set, as Rubin's <c>fillna(False)</c> does.
/// </summary>
public static class BadSourceFlags
{
    /// <summary>The flags, as their APDB column names.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
    [
        "centroid_flag", "pixelFlags_crCenter", "pixelFlags_nodataCenter", "pixelFlags_interpolatedCenter",
        "pixelFlags_saturatedCenter", "pixelFlags_suspectCenter", "pixelFlags_streakCenter", "glint_trail",
    ];

    /// <summary>Whether the source carries any of the bad flags.</summary>
    /// <param name="source">The DiaSource.</param>
    /// <returns>True when any flag of <see cref="ColumnNames"/> is set.</returns>
    public static bool IsBad(DiaSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.CentroidFlag == true
            || source.PixelFlagsCrCenter == true
            || source.PixelFlagsNodataCenter == true
            || source.PixelFlagsInterpolatedCenter == true
            || source.PixelFlagsSaturatedCenter == true
            || source.PixelFlagsSuspectCenter == true
            || source.PixelFlagsStreakCenter == true
            || source.GlintTrail == true;
    }
}
