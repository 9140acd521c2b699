namespace Apdb.Sky;

/// <summary>A region of the sky that can answer exact membership and be covered by HEALPix NESTED pixels.</summary>
public interface ISkyRegion
{
    /// <summary>Exact spherical membership (boundary included).</summary>
    bool Contains(SkyPosition p);

    /// <summary>
    /// An adaptive coverage: the pixels at the deepest depth whose merged range count is at most
    /// <paramref name="maxRanges"/>, returned at depth 29 so the ranges apply directly to a depth-29 pixelId column.
    /// Never misses a pixel that holds a point of the region.
    /// </summary>
    PixelCoverage Coverage(int maxRanges = 64);

    /// <summary>Every pixel at <paramref name="depth"/> that intersects the region (a modest superset is allowed, a miss never).</summary>
    PixelCoverage CoverageAtDepth(int depth);
}
