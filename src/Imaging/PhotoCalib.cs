using Apdb.Sky;

namespace Apdb.Imaging;

/// <summary>
/// Photometric calibration: instrumental flux (image units, e.g. counts) times <see cref="NanojanskyPerCount"/> gives
/// nJy. AB magnitude m = 31.4 - 2.5 log10(flux / nJy).
/// </summary>
public sealed class PhotoCalib
{
    /// <summary>Creates a calibration from its factor.</summary>
    public PhotoCalib(double nanojanskyPerCount)
    {
        if (!double.IsFinite(nanojanskyPerCount) || nanojanskyPerCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nanojanskyPerCount), nanojanskyPerCount, "the calibration factor must be finite and positive");
        }

        NanojanskyPerCount = nanojanskyPerCount;
    }

    /// <summary>nJy per unit of instrumental flux.</summary>
    public double NanojanskyPerCount { get; }

    /// <summary>The zero point: the AB magnitude of a source of one count.</summary>
    public double ZeroPoint => AstroConstants.AbMagnitudeOfOneNanojansky + (2.5 * Math.Log10(NanojanskyPerCount));

    /// <summary>The identity calibration: image units are reported as they are.</summary>
    public static PhotoCalib Identity { get; } = new(1.0);

    /// <summary>From a zero point: the AB magnitude of a source of one count (MAGZERO).</summary>
    public static PhotoCalib FromZeroPoint(double zeroPoint) => new(Math.Pow(10, (zeroPoint - AstroConstants.AbMagnitudeOfOneNanojansky) / 2.5));

    /// <summary>From FLUXMAG0: the instrumental flux of an AB magnitude 0 source.</summary>
    public static PhotoCalib FromFluxMag0(double fluxMag0) => new(AstroConstants.NanojanskyOfAbMagnitudeZero / fluxMag0);

    /// <summary>Instrumental flux to nJy.</summary>
    public double ToNanojansky(double instFlux) => instFlux * NanojanskyPerCount;

    /// <summary>
    /// Reads the calibration from a header: BUNIT = 'nJy' (identity, already calibrated), else MAGZERO / MAGZPT / ZP /
    /// ZEROPT (AB magnitude of one count), else FLUXMAG0. Returns null when none is present.
    /// </summary>
    public static PhotoCalib? FromHeader(FitsHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (string.Equals(header.GetString("BUNIT")?.Trim(), "nJy", StringComparison.OrdinalIgnoreCase))
        {
            return Identity;
        }

        foreach (var key in new[] { "MAGZERO", "MAGZPT", "ZP", "ZEROPT" })
        {
            if (header.GetDouble(key) is { } zp && double.IsFinite(zp))
            {
                return FromZeroPoint(zp);
            }
        }

        return header.GetDouble("FLUXMAG0") is { } f0 && f0 > 0 && double.IsFinite(f0) ? FromFluxMag0(f0) : null;
    }

    /// <summary>Writes MAGZERO.</summary>
    public void WriteTo(FitsHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        header.Set("MAGZERO", ZeroPoint, "AB magnitude of a source of one count");
    }
}
