using Apdb.Frontend.Subtraction;
using Apdb.Imaging;
using Apdb.Sky;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class TemplateWarperTests
{
    private static readonly double[] Cd = [0.2 / 3600, 0, 0, 0.2 / 3600];

    [Fact]
    public void Non_overlapping_template_is_an_error_naming_it()
    {
        var template = new Exposure(64, 64, new float[64 * 64]) { Wcs = new TanWcs(32, 32, SkyPosition.FromDegrees(10, -30), Cd) };
        var science = new TanWcs(32, 32, SkyPosition.FromDegrees(11, -30), Cd);
        var ex = Assert.Throws<InvalidOperationException>(() => new TemplateWarper().Warp(template, science, 64, 64, "tmpl.fits"));
        Assert.Contains("tmpl.fits", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not overlap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warp_by_a_shift_moves_a_star_by_that_shift()
    {
        const int Size = 96;
        var image = Synthetic.Render(Size, [(48.0, 40.0, 1000.0)], 3.5, 0, 1);
        var template = new Exposure(Size, Size, image) { Wcs = new TanWcs(48, 48, SkyPosition.FromDegrees(10, -30), Cd) };
        // The science grid is the template's shifted by (+2.5, -1.5) pixels: the star lands at (50.5, 38.5). Half-pixel
        // shifts use symmetric Lanczos weights, so the centroid is exact; at a 0.3-pixel phase Lanczos-3 itself moves the
        // centroid of this 3.5-pixel-FWHM star by 0.018 pixel (computed independently from the kernel's definition).
        var science = new TanWcs(48 + 2.5, 48 - 1.5, SkyPosition.FromDegrees(10, -30), Cd);
        var warped = new TemplateWarper().Warp(template, science, Size, Size);
        double s = 0, sx = 0, sy = 0;
        for (var y = 26; y <= 51; y++)
        {
            for (var x = 38; x <= 63; x++)
            {
                var v = warped.Image[(y * Size) + x];
                s += v;
                sx += v * x;
                sy += v * y;
            }
        }

        Assert.Equal(1000, s, 1.0);
        Assert.Equal(50.5, sx / s, 0.002);
        Assert.Equal(38.5, sy / s, 0.002);
    }
}
