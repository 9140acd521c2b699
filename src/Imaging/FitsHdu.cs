namespace Apdb.Imaging;

/// <summary>One header-data unit: the header (without structural keywords) and the image, or null for no data.</summary>
/// <param name="Header">Every card except SIMPLE/XTENSION, BITPIX, NAXIS*, PCOUNT, GCOUNT, EXTEND, BSCALE, BZERO, BLANK and END.</param>
/// <param name="Image">The data, or null for an HDU without data (NAXIS = 0).</param>
public sealed record FitsHdu(FitsHeader Header, FitsImage? Image)
{
    /// <summary>The EXTNAME, or null.</summary>
    public string? Name => Header.GetString("EXTNAME");
}
