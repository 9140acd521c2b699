namespace Apdb.ForcedPhot;

/// <summary>Flag bits of a forced measurement (the CSV <c>flags</c> column is their integer sum).</summary>
[Flags]
public enum ForcedPhotFlags
{
    /// <summary>A clean fit.</summary>
    None = 0,

    /// <summary>1: the stamp extends past the image edge; only the pixels on the image were used.</summary>
    Edge = 1,

    /// <summary>2: no usable pixel under the PSF (all masked or off the image); flux and error are NaN.</summary>
    NoGoodPixels = 2,

    /// <summary>4: the position is off the image (its nearest pixel is outside); flux and error are NaN.</summary>
    OffImage = 4,

    /// <summary>8: fitted jointly with neighbours closer than the blend radius.</summary>
    BlendedFit = 8,

    /// <summary>16: some pixels of the stamp were excluded by the mask (or were NaN, or had no positive variance).</summary>
    MaskedPixels = 16,
}
