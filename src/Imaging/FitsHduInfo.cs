namespace Apdb.Imaging;

/// <summary>Where an HDU sits in a file and what it holds, read from its header alone.</summary>
/// <param name="Index">0 for the primary HDU, 1.. for extensions.</param>
/// <param name="XTension">The XTENSION value ("IMAGE", "BINTABLE", ...), or null for the primary HDU.</param>
/// <param name="Bitpix">BITPIX.</param>
/// <param name="Axes">NAXISn values, NAXIS1 first.</param>
/// <param name="Header">The full header including structural keywords.</param>
/// <param name="DataOffset">Byte offset of the data in the file.</param>
/// <param name="DataBytes">Number of data bytes (without padding).</param>
public sealed record FitsHduInfo(int Index, string? XTension, int Bitpix, IReadOnlyList<int> Axes, FitsHeader Header, long DataOffset, long DataBytes)
{
    /// <summary>True for the primary HDU or an IMAGE extension with at least one axis and data.</summary>
    public bool IsImage => (XTension is null or "IMAGE") && Axes.Count > 0 && DataBytes > 0;

    /// <summary>The EXTNAME, or null.</summary>
    public string? Name => Header.GetString("EXTNAME");
}
