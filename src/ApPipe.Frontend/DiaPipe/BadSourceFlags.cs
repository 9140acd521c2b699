using Apdb.Records;

namespace Apdb.Frontend.DiaPipe;

/// <summary>
/// The DiaSource flags that keep an unmatched source from founding a new DiaObject (after Rubin's
/// FilterDiaSourceCatalog defaults: bad pixels, and cosmic rays, saturation, interpolation or no data at the centre,
/// off-image and edge). Such sources are dropped: not stored, counted in the report.
/// </summary>
public static class BadSourceFlags
{
    /// <summary>Whether the source carries any of the bad flags.</summary>
    public static bool IsBad(DiaSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.PixelFlagsBad == true
            || source.PixelFlagsCrCenter == true
            || source.PixelFlagsSaturatedCenter == true
            || source.PixelFlagsInterpolatedCenter == true
            || source.PixelFlagsNodataCenter == true
            || source.PixelFlagsOffimage == true
            || source.PixelFlagsEdge == true;
    }
}
