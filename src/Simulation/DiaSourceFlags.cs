namespace Apdb.Simulation;

/// <summary>The boolean columns of a DiaSource, one bit each (set = true).</summary>
[Flags]
#pragma warning disable CA1711 // The name says what the bits are: DiaSource flags.
public enum DiaSourceFlags : ulong
#pragma warning restore CA1711
{
    /// <summary>No flag set.</summary>
    None = 0,

    /// <summary><c>centroid_flag</c>.</summary>
    Centroid = 1UL << 0,

    /// <summary><c>apFlux_flag</c>.</summary>
    ApFlux = 1UL << 1,

    /// <summary><c>apFlux_flag_apertureTruncated</c>.</summary>
    ApFluxApertureTruncated = 1UL << 2,

    /// <summary><c>isNegative</c>.</summary>
    IsNegative = 1UL << 3,

    /// <summary><c>psfFlux_flag</c>.</summary>
    PsfFlux = 1UL << 4,

    /// <summary><c>psfFlux_flag_edge</c>.</summary>
    PsfFluxEdge = 1UL << 5,

    /// <summary><c>psfFlux_flag_noGoodPixels</c>.</summary>
    PsfFluxNoGoodPixels = 1UL << 6,

    /// <summary><c>trail_flag_edge</c>.</summary>
    TrailEdge = 1UL << 7,

    /// <summary><c>trail_flag</c>.</summary>
    Trail = 1UL << 8,

    /// <summary><c>forced_PsfFlux_flag</c>.</summary>
    ForcedPsfFlux = 1UL << 9,

    /// <summary><c>forced_PsfFlux_flag_edge</c>.</summary>
    ForcedPsfFluxEdge = 1UL << 10,

    /// <summary><c>forced_PsfFlux_flag_noGoodPixels</c>.</summary>
    ForcedPsfFluxNoGoodPixels = 1UL << 11,

    /// <summary><c>shape_flag</c>.</summary>
    Shape = 1UL << 12,

    /// <summary><c>shape_flag_no_pixels</c>.</summary>
    ShapeNoPixels = 1UL << 13,

    /// <summary><c>shape_flag_not_contained</c>.</summary>
    ShapeNotContained = 1UL << 14,

    /// <summary><c>shape_flag_parent_source</c>.</summary>
    ShapeParentSource = 1UL << 15,

    /// <summary><c>isDipole</c>.</summary>
    IsDipole = 1UL << 16,

    /// <summary><c>dipoleFitAttempted</c>.</summary>
    DipoleFitAttempted = 1UL << 17,

    /// <summary><c>pixelFlags</c> (any pixel flag).</summary>
    PixelFlags = 1UL << 18,

    /// <summary><c>pixelFlags_bad</c>.</summary>
    PixelBad = 1UL << 19,

    /// <summary><c>pixelFlags_cr</c>.</summary>
    PixelCr = 1UL << 20,

    /// <summary><c>pixelFlags_crCenter</c>.</summary>
    PixelCrCenter = 1UL << 21,

    /// <summary><c>pixelFlags_edge</c>.</summary>
    PixelEdge = 1UL << 22,

    /// <summary><c>pixelFlags_nodata</c>.</summary>
    PixelNoData = 1UL << 23,

    /// <summary><c>pixelFlags_nodataCenter</c>.</summary>
    PixelNoDataCenter = 1UL << 24,

    /// <summary><c>pixelFlags_interpolated</c>.</summary>
    PixelInterpolated = 1UL << 25,

    /// <summary><c>pixelFlags_interpolatedCenter</c>.</summary>
    PixelInterpolatedCenter = 1UL << 26,

    /// <summary><c>pixelFlags_offimage</c>.</summary>
    PixelOffImage = 1UL << 27,

    /// <summary><c>pixelFlags_saturated</c>.</summary>
    PixelSaturated = 1UL << 28,

    /// <summary><c>pixelFlags_saturatedCenter</c>.</summary>
    PixelSaturatedCenter = 1UL << 29,

    /// <summary><c>pixelFlags_suspect</c>.</summary>
    PixelSuspect = 1UL << 30,

    /// <summary><c>pixelFlags_suspectCenter</c>.</summary>
    PixelSuspectCenter = 1UL << 31,

    /// <summary><c>pixelFlags_streak</c>.</summary>
    PixelStreak = 1UL << 32,

    /// <summary><c>pixelFlags_streakCenter</c>.</summary>
    PixelStreakCenter = 1UL << 33,

    /// <summary><c>pixelFlags_injected</c>.</summary>
    PixelInjected = 1UL << 34,

    /// <summary><c>pixelFlags_injectedCenter</c>.</summary>
    PixelInjectedCenter = 1UL << 35,

    /// <summary><c>pixelFlags_injected_template</c>.</summary>
    PixelInjectedTemplate = 1UL << 36,

    /// <summary><c>pixelFlags_injected_templateCenter</c>.</summary>
    PixelInjectedTemplateCenter = 1UL << 37,

    /// <summary><c>glint_trail</c>.</summary>
    GlintTrail = 1UL << 38,
}
