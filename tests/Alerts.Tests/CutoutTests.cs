using Apdb.Imaging;

namespace Apdb.Alerts.Tests;

public sealed class CutoutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("alerts-cutout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(null, 30)]
    [InlineData(0, 30)]
    [InlineData(29, 30)]
    [InlineData(30, 30)]
    [InlineData(57, 57)]
    [InlineData(102, 102)]
    [InlineData(500, 102)]
    public void Side_is_the_footprint_box_clamped_to_30_102_pixels(int? bboxSize, int expected) =>
        Assert.Equal(expected, Cutout.SizeFor(bboxSize));

    [Fact]
    public void Inside_the_image_the_pixels_are_the_exposures_in_nJy_with_mask_and_variance()
    {
        var hdus = Read(Cutout.ToFits(Samples.Exposure(nanojanskyPerCount: 2.0), 50.2, 40.4, 30));

        Assert.Equal(3, hdus.Count);
        Assert.Equal(["MASK", "UNCERT"], hdus.Skip(1).Select(h => h.Name));
        var image = (float[])hdus[0].Image!.Raw;
        Assert.Equal([30, 30], hdus[0].Image!.Axes);
        // Centre (50, 40) rounds to pixel (50, 40); the cutout starts 15 pixels before it.
        Assert.Equal(2.0f * ((1000 * 25) + 35), image[0]);
        Assert.Equal("nJy", hdus[0].Header.GetString("BUNIT"));
        Assert.All((float[])hdus[2].Image!.Raw, v => Assert.Equal(16f, v));
        Assert.Equal("VarianceUncertainty", hdus[2].Header.GetString("UTYPE"));
        var mask = (int[])hdus[1].Image!.Raw;
        Assert.Equal(0, mask.Sum());
    }

    [Fact]
    public void Off_the_image_the_pixels_are_NaN_and_masked_NO_DATA()
    {
        // 30 px centred on (3, 95) of a 120 x 100 image: columns -12..17 and rows 80..109 of the exposure.
        var hdus = Read(Cutout.ToFits(Samples.Exposure(), 3, 95, 30));
        var image = (float[])hdus[0].Image!.Raw;
        var mask = (int[])hdus[1].Image!.Raw;
        var variance = (float[])hdus[2].Image!.Raw;
        var noData = MaskPlanes.BitsInFile(hdus[1].Header, MaskPlane.NoData);
        for (var j = 0; j < 30; j++)
        {
            for (var i = 0; i < 30; i++)
            {
                var k = (j * 30) + i;
                var off = i < 12 || j >= 20;
                Assert.Equal(off, float.IsNaN(image[k]));
                Assert.Equal(off, float.IsNaN(variance[k]));
                Assert.Equal(off, (mask[k] & noData) != 0);
            }
        }

        // Column 7 of the exposure carries its own mask bit into the cutout (cutout column 7 + 12).
        Assert.Equal(1, mask[19]);
    }

    [Fact]
    public void The_cutout_WCS_puts_every_sky_position_on_the_same_pixel_as_the_exposure_minus_the_origin()
    {
        var exposure = Samples.Exposure();
        var hdus = Read(Cutout.ToFits(exposure, 80.6, 20.2, 40));
        var (x0, y0) = Cutout.Origin(80.6, 20.2, 40);
        foreach (var hdu in hdus)
        {
            Assert.True(TanWcs.TryRead(hdu.Header, out var wcs, out var reason), reason);
            foreach (var (x, y) in new[] { (80.6, 20.2), (61.0, 1.0), (99.5, 39.5) })
            {
                var sky = exposure.Wcs!.PixelToSky(x, y);
                var (cx, cy) = wcs.SkyToPixel(sky);
                Assert.Equal(x - x0, cx, 1e-6);
                Assert.Equal(y - y0, cy, 1e-6);
            }
        }
    }

    [OracleFact]
    public void Cutouts_open_in_astropy_with_a_WCS_that_agrees_with_ours()
    {
        var exposure = Samples.Exposure();
        var centre = exposure.Wcs!.PixelToSky(118.0, 2.0);
        var path = Path.Combine(_dir, "cutout.fits");
        File.WriteAllBytes(path, Cutout.ToFits(exposure, 118.0, 2.0, 30));
        var (x0, y0) = Cutout.Origin(118.0, 2.0, 30);

        var output = Oracle.Python($$"""
            import sys, numpy as np
            from astropy.io import fits
            from astropy.wcs import WCS
            from astropy.nddata import CCDData
            with fits.open(sys.argv[1] + "/cutout.fits") as h:
                w = WCS(h[0].header)
                x, y = w.all_world2pix([[{{centre.RaDeg:R}}, {{centre.DecDeg:R}}]], 0)[0]
                data = h[0].data
                print(h[0].data.shape[0], h[0].data.shape[1], int(np.isnan(data).sum()), int((h["MASK"].data != 0).sum()))
                print(repr(float(x)), repr(float(y)))
            c = CCDData.read(sys.argv[1] + "/cutout.fits")
            print(type(c.uncertainty).__name__, c.mask.shape[0], c.wcs is not None, c.unit)
            """, _dir).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var first = output[0].Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(30, first[0]);
        Assert.Equal(30, first[1]);
        // Columns 120..132 (13 of 30) are off the 120-pixel-wide image, so are rows -13..-1 (13 of 30).
        var off = (30 * 30) - (17 * 17);
        Assert.Equal(off, first[2]);
        Assert.True(first[3] >= off);
        var xy = output[1].Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(118.0 - x0, xy[0], 1e-6);
        Assert.Equal(2.0 - y0, xy[1], 1e-6);
        Assert.Equal("VarianceUncertainty 30 True nJy", output[^1].Trim());
    }

    private List<FitsHdu> Read(byte[] fits)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".fits");
        File.WriteAllBytes(path, fits);
        return [.. FitsFile.ReadAll(path)];
    }
}
