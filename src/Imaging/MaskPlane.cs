namespace Apdb.Imaging;

/// <summary>
/// Named mask bits, with Rubin's names and bit numbers (afw's default planes). A pixel may carry several.
/// Files written here record them as MP_&lt;NAME&gt; = bit number, as Rubin does, so other tools can read them.
/// </summary>
[Flags]
public enum MaskPlane
{
    /// <summary>No bit set: a good pixel.</summary>
    None = 0,

    /// <summary>A bad pixel (bad column, hot pixel).</summary>
    Bad = 1 << 0,

    /// <summary>Saturated.</summary>
    Sat = 1 << 1,

    /// <summary>Interpolated over.</summary>
    Intrp = 1 << 2,

    /// <summary>A cosmic ray.</summary>
    Cr = 1 << 3,

    /// <summary>Near the edge: convolution or warping made it unreliable.</summary>
    Edge = 1 << 4,

    /// <summary>Part of a positive detection.</summary>
    Detected = 1 << 5,

    /// <summary>Part of a negative detection.</summary>
    DetectedNegative = 1 << 6,

    /// <summary>Suspect (e.g. non-linear).</summary>
    Suspect = 1 << 7,

    /// <summary>No data (NaN, outside the footprint).</summary>
    NoData = 1 << 8,
}
