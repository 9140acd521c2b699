namespace Apdb.Sky;

/// <summary>How a pixel relates to a region, decided conservatively.</summary>
internal enum PixelClass
{
    /// <summary>No point of the pixel can be in the region.</summary>
    Outside,

    /// <summary>The pixel may straddle the boundary.</summary>
    Partial,

    /// <summary>Every point of the pixel is in the region.</summary>
    Inside,
}
