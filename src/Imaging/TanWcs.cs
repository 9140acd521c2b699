using System.Diagnostics.CodeAnalysis;
using Apdb.Sky;

namespace Apdb.Imaging;

/// <summary>
/// The gnomonic (TAN) world coordinate system of Calabretta &amp; Greisen (2002), with optional SIP distortion
/// (Shupe et al. 2005). Pixel coordinates are 0-based with pixel centres on integers: x = FITS column - 1,
/// y = FITS row - 1; CRPIX is kept as in the header (1-based) and converted here. LONPOLE is the TAN default 180.
/// </summary>
public sealed class TanWcs
{
    private const double Deg = Math.PI / 180.0;
    private readonly double _sinDec0;
    private readonly double _cosDec0;
    private readonly double _i11;
    private readonly double _i12;
    private readonly double _i21;
    private readonly double _i22;

    /// <summary>Creates a TAN WCS.</summary>
    /// <param name="crpix1">CRPIX1 (1-based FITS convention).</param>
    /// <param name="crpix2">CRPIX2 (1-based FITS convention).</param>
    /// <param name="crval">The sky position of the reference pixel.</param>
    /// <param name="cd">CD matrix in degrees per pixel: [CD1_1, CD1_2, CD2_1, CD2_2].</param>
    /// <param name="sipA">SIP A (forward, x), or null.</param>
    /// <param name="sipB">SIP B (forward, y), or null.</param>
    /// <param name="sipAp">SIP AP (inverse, x), or null.</param>
    /// <param name="sipBp">SIP BP (inverse, y), or null.</param>
    public TanWcs(double crpix1, double crpix2, SkyPosition crval, ReadOnlySpan<double> cd,
        SipPolynomial? sipA = null, SipPolynomial? sipB = null, SipPolynomial? sipAp = null, SipPolynomial? sipBp = null)
    {
        if (cd.Length != 4)
        {
            throw new ArgumentException("the CD matrix needs 4 values: CD1_1, CD1_2, CD2_1, CD2_2", nameof(cd));
        }

        var det = (cd[0] * cd[3]) - (cd[1] * cd[2]);
        if (!double.IsFinite(det) || det == 0 || !double.IsFinite(crpix1) || !double.IsFinite(crpix2))
        {
            throw new ArgumentException($"the WCS is singular or not finite: CRPIX = ({crpix1}, {crpix2}), det(CD) = {det}");
        }

        if ((sipA is null) != (sipB is null))
        {
            throw new ArgumentException("SIP needs both A and B polynomials");
        }

        Crpix1 = crpix1;
        Crpix2 = crpix2;
        Crval = crval;
        Cd = [cd[0], cd[1], cd[2], cd[3]];
        SipA = sipA;
        SipB = sipB;
        SipAp = sipAp;
        SipBp = sipBp;
        _sinDec0 = Math.Sin(crval.DecRad);
        _cosDec0 = Math.Cos(crval.DecRad);
        _i11 = cd[3] / det;
        _i12 = -cd[1] / det;
        _i21 = -cd[2] / det;
        _i22 = cd[0] / det;
    }

    /// <summary>CRPIX1 (1-based).</summary>
    public double Crpix1 { get; }

    /// <summary>CRPIX2 (1-based).</summary>
    public double Crpix2 { get; }

    /// <summary>CRVAL: the reference sky position.</summary>
    public SkyPosition Crval { get; }

    /// <summary>The CD matrix, degrees per pixel: CD1_1, CD1_2, CD2_1, CD2_2.</summary>
    public IReadOnlyList<double> Cd { get; }

    /// <summary>SIP forward polynomial for x, or null.</summary>
    public SipPolynomial? SipA { get; }

    /// <summary>SIP forward polynomial for y, or null.</summary>
    public SipPolynomial? SipB { get; }

    /// <summary>SIP inverse polynomial for x, or null (the inverse is then solved iteratively).</summary>
    public SipPolynomial? SipAp { get; }

    /// <summary>SIP inverse polynomial for y, or null.</summary>
    public SipPolynomial? SipBp { get; }

    /// <summary>True when SIP distortion is applied.</summary>
    public bool HasDistortion => SipA is not null;

    /// <summary>The mean pixel scale at the reference pixel, arcseconds per pixel.</summary>
    public double PixelScaleArcsec => Math.Sqrt(Math.Abs((Cd[0] * Cd[3]) - (Cd[1] * Cd[2]))) * 3600.0;

    /// <summary>Pixel (0-based) to sky.</summary>
    public SkyPosition PixelToSky(double x, double y)
    {
        var u = x + 1.0 - Crpix1;
        var v = y + 1.0 - Crpix2;
        if (SipA is not null)
        {
            var du = SipA.Evaluate(u, v);
            var dv = SipB!.Evaluate(u, v);
            u += du;
            v += dv;
        }

        var xi = ((Cd[0] * u) + (Cd[1] * v)) * Deg;
        var eta = ((Cd[2] * u) + (Cd[3] * v)) * Deg;
        var denominator = _cosDec0 - (eta * _sinDec0);
        var ra = Crval.RaRad + Math.Atan2(xi, denominator);
        var dec = Math.Atan2(_sinDec0 + (eta * _cosDec0), Math.Sqrt((xi * xi) + (denominator * denominator)));
        ra %= 2 * Math.PI;
        if (ra < 0)
        {
            ra += 2 * Math.PI;
        }

        return SkyPosition.FromRadians(ra, dec);
    }

    /// <summary>
    /// Sky to pixel (0-based). Returns false (and NaN) for positions 90 degrees or more from CRVAL, which the
    /// gnomonic projection cannot represent.
    /// </summary>
    public bool TrySkyToPixel(SkyPosition position, out double x, out double y)
    {
        var dra = position.RaRad - Crval.RaRad;
        var (sinDec, cosDec) = Math.SinCos(position.DecRad);
        var (sinDra, cosDra) = Math.SinCos(dra);
        var cosC = (_sinDec0 * sinDec) + (_cosDec0 * cosDec * cosDra);
        if (!(cosC > 1e-12))
        {
            x = y = double.NaN;
            return false;
        }

        var xi = cosDec * sinDra / cosC / Deg;
        var eta = ((_cosDec0 * sinDec) - (_sinDec0 * cosDec * cosDra)) / cosC / Deg;
        var uu = (_i11 * xi) + (_i12 * eta);
        var vv = (_i21 * xi) + (_i22 * eta);
        var (u, v) = SipA is null ? (uu, vv) : InvertSip(uu, vv);
        x = u + Crpix1 - 1.0;
        y = v + Crpix2 - 1.0;
        return true;
    }

    /// <summary>Sky to pixel (0-based); NaN for positions the projection cannot represent.</summary>
    public (double X, double Y) SkyToPixel(SkyPosition position)
    {
        TrySkyToPixel(position, out var x, out var y);
        return (x, y);
    }

    /// <summary>
    /// Reads a TAN or TAN-SIP WCS from a header: CRPIX, CRVAL, and CD, or PC with CDELT, or CDELT with CROTA2.
    /// Returns false with a reason when the header has no celestial WCS or one this class does not support.
    /// </summary>
    public static bool TryRead(FitsHeader header, [NotNullWhen(true)] out TanWcs? wcs, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(header);
        wcs = null;
        var ctype1 = header.GetString("CTYPE1")?.Trim();
        var ctype2 = header.GetString("CTYPE2")?.Trim();
        if (ctype1 is null || ctype2 is null)
        {
            reason = "the header has no CTYPE1/CTYPE2 (no WCS)";
            return false;
        }

        if (!(ctype1 is "RA---TAN" or "RA---TAN-SIP") || !(ctype2 is "DEC--TAN" or "DEC--TAN-SIP"))
        {
            reason = $"CTYPE1/CTYPE2 = {UserText.Quote(ctype1)}/{UserText.Quote(ctype2)}: only RA---TAN/DEC--TAN (optionally -SIP) is supported";
            return false;
        }

        if (header.GetDouble("LONPOLE") is { } lonpole && lonpole != 180.0)
        {
            reason = $"LONPOLE = {lonpole}: only the TAN default 180 is supported";
            return false;
        }

        var crpix1 = header.GetDouble("CRPIX1");
        var crpix2 = header.GetDouble("CRPIX2");
        var crval1 = header.GetDouble("CRVAL1");
        var crval2 = header.GetDouble("CRVAL2");
        if (crpix1 is null || crpix2 is null || crval1 is null || crval2 is null)
        {
            reason = "the TAN WCS lacks CRPIX1/CRPIX2/CRVAL1/CRVAL2";
            return false;
        }

        double[] cd;
        if (header.Contains("CD1_1") || header.Contains("CD1_2") || header.Contains("CD2_1") || header.Contains("CD2_2"))
        {
            cd = [header.GetDouble("CD1_1") ?? 0, header.GetDouble("CD1_2") ?? 0, header.GetDouble("CD2_1") ?? 0, header.GetDouble("CD2_2") ?? 0];
        }
        else
        {
            var cdelt1 = header.GetDouble("CDELT1") ?? 1.0;
            var cdelt2 = header.GetDouble("CDELT2") ?? 1.0;
            var hasPc = header.Contains("PC1_1") || header.Contains("PC1_2") || header.Contains("PC2_1") || header.Contains("PC2_2");
            if (!hasPc && header.GetDouble("CROTA2") is { } crota && crota != 0)
            {
                var (s, c) = Math.SinCos(crota * Deg);
                cd = [cdelt1 * c, -cdelt2 * s, cdelt1 * s, cdelt2 * c];
            }
            else
            {
                cd =
                [
                    cdelt1 * (header.GetDouble("PC1_1") ?? 1.0), cdelt1 * (header.GetDouble("PC1_2") ?? 0.0),
                    cdelt2 * (header.GetDouble("PC2_1") ?? 0.0), cdelt2 * (header.GetDouble("PC2_2") ?? 1.0),
                ];
            }
        }

        if (!(Math.Abs(crval2.Value) <= 90))
        {
            reason = $"CRVAL2 = {crval2} is outside [-90, 90]";
            return false;
        }

        try
        {
            var a = SipPolynomial.Read(header, "A");
            var b = SipPolynomial.Read(header, "B");
            if ((a is null) != (b is null))
            {
                reason = "the header has only one of A_ORDER and B_ORDER";
                return false;
            }

            wcs = new TanWcs(crpix1.Value, crpix2.Value, SkyPosition.FromDegrees(((crval1.Value % 360) + 360) % 360, crval2.Value), cd,
                a, b, SipPolynomial.Read(header, "AP"), SipPolynomial.Read(header, "BP"));
            reason = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            reason = ex.Message;
            return false;
        }
    }

    /// <summary>Writes this WCS into a header (CTYPE, CRPIX, CRVAL, CD, CUNIT, RADESYS and SIP keywords).</summary>
    public void WriteTo(FitsHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var suffix = HasDistortion ? "-SIP" : "";
        header.Set("CTYPE1", "RA---TAN" + suffix, "gnomonic projection");
        header.Set("CTYPE2", "DEC--TAN" + suffix, "gnomonic projection");
        header.Set("CUNIT1", "deg");
        header.Set("CUNIT2", "deg");
        header.Set("RADESYS", "ICRS");
        header.Set("CRPIX1", Crpix1, "reference pixel (1-based)");
        header.Set("CRPIX2", Crpix2, "reference pixel (1-based)");
        header.Set("CRVAL1", Crval.RaDeg, "[deg] reference right ascension");
        header.Set("CRVAL2", Crval.DecDeg, "[deg] reference declination");
        header.Set("CD1_1", Cd[0]);
        header.Set("CD1_2", Cd[1]);
        header.Set("CD2_1", Cd[2]);
        header.Set("CD2_2", Cd[3]);
        SipA?.Write(header, "A");
        SipB?.Write(header, "B");
        SipAp?.Write(header, "AP");
        SipBp?.Write(header, "BP");
    }

    private (double U, double V) InvertSip(double uu, double vv)
    {
        // Start from the AP/BP approximation when present, then Newton on the forward polynomial so the answer is
        // exact to 1e-10 pixel whatever the quality of AP/BP.
        var u = uu;
        var v = vv;
        if (SipAp is not null && SipBp is not null)
        {
            u = uu + SipAp.Evaluate(uu, vv);
            v = vv + SipBp.Evaluate(uu, vv);
        }

        for (var iteration = 0; iteration < 50; iteration++)
        {
            var fu = u + SipA!.Evaluate(u, v, out var au, out var av) - uu;
            var fv = v + SipB!.Evaluate(u, v, out var bu, out var bv) - vv;
            var j11 = 1 + au;
            var j12 = av;
            var j21 = bu;
            var j22 = 1 + bv;
            var det = (j11 * j22) - (j12 * j21);
            var du = ((j22 * fu) - (j12 * fv)) / det;
            var dv = ((j11 * fv) - (j21 * fu)) / det;
            u -= du;
            v -= dv;
            if (Math.Abs(du) + Math.Abs(dv) < 1e-11)
            {
                break;
            }
        }

        return (u, v);
    }
}
