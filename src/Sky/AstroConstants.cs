namespace Apdb.Sky;

/// <summary>
/// The physical, photometric and calendar constants the project uses, in one place (as NodaTime's
/// <c>NodaConstants</c> holds its calendar constants), so no number is written twice.
/// </summary>
public static class AstroConstants
{
    /// <summary>The Modified Julian Date of the Unix epoch, 1970-01-01T00:00:00 (MJD = JD - 2400000.5).</summary>
    public const double UnixEpochMjd = 40587.0;

    /// <summary>Seconds in a day of 86,400 SI seconds, the day of MJD.</summary>
    public const double SecondsPerDay = 86_400.0;

    /// <summary>Arcseconds in a degree.</summary>
    public const double ArcsecondsPerDegree = 3600.0;

    /// <summary>Radians in an arcsecond.</summary>
    public const double RadiansPerArcsecond = Math.PI / (180.0 * 3600.0);

    /// <summary>Arcseconds in a radian.</summary>
    public const double ArcsecondsPerRadian = 180.0 * 3600.0 / Math.PI;

    /// <summary>FWHM / sigma of a Gaussian: 2 sqrt(2 ln 2).</summary>
    public const double FwhmPerSigma = 2.3548200450309493;

    /// <summary>The AB magnitude of a flux of 1 nJy: m = 31.4 - 2.5 log10(flux / nJy), since AB magnitude 0 is 3631 Jy.</summary>
    public const double AbMagnitudeOfOneNanojansky = 31.4;

    /// <summary>The flux of an AB magnitude 0 source, nJy (3631 Jy).</summary>
    public const double NanojanskyOfAbMagnitudeZero = 3631e9;

    /// <summary>An AB magnitude as a flux in nJy.</summary>
    /// <param name="abMagnitude">The magnitude.</param>
    /// <returns>The flux, nJy.</returns>
    public static double AbMagnitudeToNanojansky(double abMagnitude) => Math.Pow(10.0, 0.4 * (AbMagnitudeOfOneNanojansky - abMagnitude));

    /// <summary>The Modified Julian Date of an instant (UTC, as the clock gives it).</summary>
    /// <param name="time">The instant.</param>
    /// <returns>Its MJD.</returns>
    public static double ToMjd(DateTimeOffset time) => UnixEpochMjd + (time.ToUnixTimeMilliseconds() / (SecondsPerDay * 1000.0));
}
