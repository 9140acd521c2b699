using System.Globalization;
using System.Runtime.InteropServices;
using Apdb.Sky;

namespace Apdb.Imaging.Tests;

public sealed class WcsTests
{
    internal static TanWcs SipWcs()
    {
        var a = new double[4, 4];
        var b = new double[4, 4];
        a[2, 0] = 2.1e-6; a[1, 1] = -1.3e-6; a[0, 2] = 8e-7; a[3, 0] = 1e-10; a[1, 2] = -3e-10;
        b[2, 0] = -9e-7; b[1, 1] = 1.7e-6; b[0, 2] = 2.4e-6; b[0, 3] = 2e-10; b[2, 1] = 1.5e-10;
        return new TanWcs(2048.5, 2048.5, SkyPosition.FromDegrees(150.1, -30.2), [-5.5e-5, 1.2e-6, 1.1e-6, 5.5e-5],
            new SipPolynomial(3, a), new SipPolynomial(3, b));
    }

    [Fact]
    public void Pixel_to_sky_to_pixel_round_trips_to_a_micro_pixel_with_and_without_SIP()
    {
        var plain = new TanWcs(100.5, 200.5, SkyPosition.FromDegrees(359.99, 89.5), [-5.5e-5, 0, 0, 5.5e-5]);
        foreach (var wcs in new[] { plain, SipWcs() })
        {
            var random = new Random(1);
            for (var i = 0; i < 2000; i++)
            {
                var x = (random.NextDouble() * 4200) - 50;
                var y = (random.NextDouble() * 4200) - 50;
                var sky = wcs.PixelToSky(x, y);
                var (bx, by) = wcs.SkyToPixel(sky);
                Assert.True(Math.Abs(bx - x) < 1e-6 && Math.Abs(by - y) < 1e-6, $"({x}, {y}) -> {sky} -> ({bx}, {by})");
            }
        }
    }

    [Fact]
    public void The_reference_pixel_maps_to_CRVAL_and_positions_behind_the_tangent_plane_are_refused()
    {
        var wcs = SipWcs();
        var sky = wcs.PixelToSky(2047.5, 2047.5); // CRPIX 2048.5 is 1-based
        Assert.True(AngularDistance.Degrees(sky, wcs.Crval) * 3.6e6 < 1e-3);
        Assert.False(wcs.TrySkyToPixel(SkyPosition.FromDegrees(330.1, 30.2), out var x, out _));
        Assert.True(double.IsNaN(x));
    }

    [Fact]
    public void Headers_with_CD_PC_CDELT_or_CROTA2_give_the_same_WCS()
    {
        FitsHeader Base()
        {
            var h = new FitsHeader();
            h.Set("CTYPE1", "RA---TAN");
            h.Set("CTYPE2", "DEC--TAN");
            h.Set("CRPIX1", 10.0);
            h.Set("CRPIX2", 20.0);
            h.Set("CRVAL1", 45.0);
            h.Set("CRVAL2", 10.0);
            return h;
        }

        var rho = 30 * Math.PI / 180;
        var cd = Base();
        cd.Set("CD1_1", -1e-4 * Math.Cos(rho)); cd.Set("CD1_2", -1e-4 * Math.Sin(rho)); cd.Set("CD2_1", -1e-4 * Math.Sin(rho)); cd.Set("CD2_2", 1e-4 * Math.Cos(rho));
        var pc = Base();
        pc.Set("CDELT1", -1e-4); pc.Set("CDELT2", 1e-4); pc.Set("PC1_1", Math.Cos(rho)); pc.Set("PC1_2", Math.Sin(rho)); pc.Set("PC2_1", -Math.Sin(rho)); pc.Set("PC2_2", Math.Cos(rho));
        var crota = Base();
        crota.Set("CDELT1", -1e-4); crota.Set("CDELT2", 1e-4); crota.Set("CROTA2", 30.0);
        Assert.True(TanWcs.TryRead(cd, out var a, out var why), why);
        Assert.True(TanWcs.TryRead(pc, out var b, out why), why);
        Assert.True(TanWcs.TryRead(crota, out var c, out why), why);
        var pa = a.PixelToSky(300, -40);
        Assert.True(AngularDistance.Degrees(pa, b.PixelToSky(300, -40)) * 3.6e6 < 1e-3);
        Assert.True(AngularDistance.Degrees(pa, c.PixelToSky(300, -40)) * 3.6e6 < 1e-3);
        var sin = Base();
        sin.Set("CTYPE1", "RA---SIN");
        Assert.False(TanWcs.TryRead(sin, out _, out var reason));
        Assert.Contains("RA---SIN", reason, StringComparison.Ordinal);
        Assert.False(TanWcs.TryRead(new FitsHeader(), out _, out reason));
        Assert.Contains("no WCS", reason, StringComparison.Ordinal);
    }

    [OracleFact]
    public void SIP_pixel_to_sky_and_back_agrees_with_astropy_all_pix2world_to_below_a_milliarcsecond()
    {
        using var dir = new TempDir();
        var header = new FitsHeader();
        SipWcs().WriteTo(header);
        var path = dir.File("sip.fits");
        FitsFile.Write(path, [new FitsHdu(header, FitsImage.FromFloats(new float[4], 2, 2))]);
        var random = new Random(7);
        var px = Enumerable.Range(0, 500).Select(_ => random.NextDouble() * 4096).ToArray();
        var py = Enumerable.Range(0, 500).Select(_ => random.NextDouble() * 4096).ToArray();
        File.WriteAllBytes(dir.File("x.bin"), MemoryMarshal.AsBytes(px.AsSpan()).ToArray());
        File.WriteAllBytes(dir.File("y.bin"), MemoryMarshal.AsBytes(py.AsSpan()).ToArray());
        Oracle.Python("""
            import sys, os, numpy as np
            from astropy.io import fits
            from astropy.wcs import WCS
            d = sys.argv[1]
            w = WCS(fits.getheader(os.path.join(d, 'sip.fits')))
            assert w.sip is not None
            x = np.fromfile(os.path.join(d, 'x.bin')); y = np.fromfile(os.path.join(d, 'y.bin'))
            ra, dec = w.all_pix2world(x, y, 0)
            np.stack([ra, dec]).astype('<f8').tofile(os.path.join(d, 'sky.out'))
            bx, by = w.all_world2pix(ra, dec, 0, tolerance=1e-10, maxiter=100)
            np.stack([bx, by]).astype('<f8').tofile(os.path.join(d, 'pix.out'))
            """, dir.Path);
        var sky = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File("sky.out"))).ToArray();
        var pix = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File("pix.out"))).ToArray();
        Assert.True(TanWcs.TryRead(FitsFile.ReadHdu(path, 0).Header, out var wcs, out var reason), reason);
        Assert.True(wcs.HasDistortion);
        var worst = 0.0;
        for (var i = 0; i < px.Length; i++)
        {
            var ours = wcs.PixelToSky(px[i], py[i]);
            var theirs = SkyPosition.FromDegrees(sky[i], sky[px.Length + i]);
            worst = Math.Max(worst, AngularDistance.Degrees(ours, theirs) * 3.6e6);
            var (bx, by) = wcs.SkyToPixel(theirs);
            Assert.True(Math.Abs(bx - pix[i]) < 1e-5 && Math.Abs(by - pix[px.Length + i]) < 1e-5, string.Create(CultureInfo.InvariantCulture, $"world2pix {i}: ({bx}, {by}) vs astropy ({pix[i]}, {pix[px.Length + i]})"));
        }

        Assert.True(worst < 1.0, $"worst pixel->sky difference {worst} mas");
    }
}
