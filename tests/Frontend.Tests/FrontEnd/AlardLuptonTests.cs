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

    [Theory]
    [InlineData(1, 97, 83, 512)]
    [InlineData(1, 97, 83, 256)]
    [InlineData(1, 97, 83, 0)]
    [InlineData(0, 64, 41, 512)]
    [InlineData(0, 71, 41, 256)]
    [InlineData(1, 20, 150, 512)]
    public void Row_by_row_convolution_matches_the_direct_spatially_varying_kernel_at_every_pixel(int spatialOrder, int width, int height, int vectorBits)
    {
        // Random coefficients for all 28 kernels and 3 spatial terms; the reference sums KernelImage(x, y) over each
        // pixel's neighbourhood in double (zero outside the image), the kernel evaluated exactly at that pixel.
        var random = new Random(17 + spatialOrder);
        var basis = AlardLuptonBasis.Default;
        var coefficients = new double[basis.Kernels.Count, 3];
        for (var k = 0; k < basis.Kernels.Count; k++)
        {
            for (var s = 0; s < 3; s++)
            {
                coefficients[k, s] = random.NextDouble() - 0.5;
            }
        }

        var solution = new AlardLuptonSolution
        {
            Basis = basis, KernelCoefficients = coefficients, BackgroundCoefficients = [0], SpatialOrder = spatialOrder, BackgroundOrder = 0,
            StampsUsed = 0, StampsOffered = 0, Width = width, Height = height,
        };
        var input = Enumerable.Range(0, width * height).Select(_ => (float)((random.NextDouble() * 100) - 20)).ToArray();
        // vectorBits: 512-bit, 256-bit or scalar passes (as far as the hardware has them).
        var fast = new AlardLuptonMatcher { Basis = basis }.Convolve(input, width, height, solution, vectorBits);
        var half = basis.HalfWidth;
        var size = (2 * half) + 1;
        var worst = 0.0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var kernel = solution.KernelImage(x, y);
                double sum = 0, scale = 0;
                for (var b = 0; b < size; b++)
                {
                    for (var a = 0; a < size; a++)
                    {
                        var xx = x + a - half;
                        var yy = y + b - half;
                        if (xx >= 0 && yy >= 0 && xx < width && yy < height)
                        {
                            sum += kernel[(b * size) + a] * input[(yy * width) + xx];
                            scale += Math.Abs(kernel[(b * size) + a] * input[(yy * width) + xx]);
                        }
                    }
                }

                var error = Math.Abs(fast[(y * width) + x] - sum) / (1 + scale);
                worst = Math.Max(worst, error);
                Assert.True(error < 1e-5, $"pixel ({x}, {y}): {fast[(y * width) + x]} against {sum} (sum of |terms| {scale})");
            }
        }

        output.WriteLine($"largest error / sum of |terms|: {worst:E2}");
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
