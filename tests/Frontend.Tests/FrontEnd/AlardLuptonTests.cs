using Apdb.Frontend.Subtraction;
using Apdb.Imaging;
using Xunit.Abstractions;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class AlardLuptonTests(ITestOutputHelper output)
{
    [Fact]
    public void Pure_psf_difference_subtracts_to_the_propagated_noise()
    {
        // Same stars, template FWHM 2.8 px with noise 2, science FWHM 4.2 px with noise 8: the difference should be
        // noise only, with the variance V_S + V_T sum(K^2).
        const int Size = 512;
        var stars = Synthetic.Stars(150, Size, 11, 3e3, 3e5);
        var science = new Exposure(Size, Size, Synthetic.Render(Size, stars, 4.2, 8.0, 1));
        var template = new Exposure(Size, Size, Synthetic.Render(Size, stars, 2.8, 2.0, 2));
        Array.Fill(science.Variance, 64f);
        Array.Fill(template.Variance, 4f);
        var sigmaPoint = 8.0 * Math.Sqrt(4 * Math.PI * Math.Pow(4.2 / 2.3548, 2));
        var matcher = new AlardLuptonMatcher();
        var fit = matcher.Fit(science, template, [.. stars.Select(s => (s.X, s.Y, s.Flux / sigmaPoint))]);
        var difference = matcher.Subtract(science, template, fit);
        var z = new List<double>();
        for (var y = 20; y < Size - 20; y++)
        {
            for (var x = 20; x < Size - 20; x++)
            {
                var k = (y * Size) + x;
                z.Add(difference.Image[k] / Math.Sqrt(difference.Variance[k]));
            }
        }

        z.Sort();
        var robust = (z[(3 * z.Count) / 4] - z[z.Count / 4]) / 1.349;
        var rms = Math.Sqrt(z.Average(v => v * v));
        output.WriteLine($"stamps {fit.StampsUsed}/{fit.StampsOffered}, kernel sum {fit.KernelSumAtCentre:F4}, robust sigma {robust:F3}, rms {rms:F3}");
        Assert.InRange(fit.KernelSumAtCentre, 0.99, 1.01);
        Assert.InRange(robust, 0.93, 1.07);
        Assert.InRange(rms, 0.9, 1.2);
    }

    [Fact]
    public void Tiled_convolution_gives_the_same_difference_as_one_tile()
    {
        const int Size = 300;
        var stars = Synthetic.Stars(60, Size, 4, 3e3, 3e5);
        var science = new Exposure(Size, Size, Synthetic.Render(Size, stars, 4.0, 8.0, 1));
        var template = new Exposure(Size, Size, Synthetic.Render(Size, stars, 2.8, 2.0, 2));
        Array.Fill(science.Variance, 64f);
        Array.Fill(template.Variance, 4f);
        var fit = new AlardLuptonMatcher().Fit(science, template, [.. stars.Select(s => (s.X, s.Y, s.Flux / 100))]);
        var whole = new AlardLuptonMatcher { TileColumns = 1024 }.Subtract(science, template, fit);
        var tiled = new AlardLuptonMatcher { TileColumns = 37 }.Subtract(science, template, fit);
        for (var k = 0; k < whole.Image.Length; k++)
        {
            Assert.True(Math.Abs(whole.Image[k] - tiled.Image[k]) <= 1e-3f * (1 + Math.Abs(whole.Image[k])), $"pixel {k}: {whole.Image[k]} vs {tiled.Image[k]}");
        }
    }

    [Fact]
    public void Basis_has_the_delta_function_and_27_separable_gaussian_kernels()
    {
        var basis = AlardLuptonBasis.Default;
        Assert.Equal(28, basis.Kernels.Count);
        Assert.Equal([1, 15, 6, 6], basis.Kernels.GroupBy(k => k.Group).Select(g => g.Count()));
        Assert.InRange(2 * basis.HalfWidth + 1, 21, 35);
    }
}
