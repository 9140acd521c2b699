using Apdb.Imaging;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>Synthetic star fields with known truth: integrated Gaussian PSFs plus white noise.</summary>
internal static class Synthetic
{
    public static (double X, double Y, double Flux)[] Stars(int count, int size, int seed, double minFlux, double maxFlux)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (random.NextDouble() * (size - 40) + 20, random.NextDouble() * (size - 40) + 20,
            minFlux * Math.Pow(maxFlux / minFlux, random.NextDouble())))];
    }

    public static float[] Render(int size, IEnumerable<(double X, double Y, double Flux)> stars, double fwhm, double noise, int seed, double background = 0) =>
        Render(size, size, stars, new GaussianPsf(fwhm), noise, seed, background);

    /// <summary>A width x height image of the stars drawn with <paramref name="psf"/> (stamps of half-width 15) plus white noise.</summary>
    public static float[] Render(int width, int height, IEnumerable<(double X, double Y, double Flux)> stars, Psf psf, double noise, int seed, double background = 0)
    {
        var image = new float[width * height];
        const int H = 15;
        var stamp = new float[((2 * H) + 1) * ((2 * H) + 1)];
        foreach (var (x, y, flux) in stars)
        {
            psf.ComputeStamp(x, y, H, stamp);
            var cx = Psf.StampCentre(x);
            var cy = Psf.StampCentre(y);
            for (var j = 0; j <= 2 * H; j++)
            {
                for (var i = 0; i <= 2 * H; i++)
                {
                    var xx = cx - H + i;
                    var yy = cy - H + j;
                    if (xx >= 0 && yy >= 0 && xx < width && yy < height)
                    {
                        image[(yy * width) + xx] += (float)(flux * stamp[(j * ((2 * H) + 1)) + i]);
                    }
                }
            }
        }

        var random = new Random(seed);
        for (var k = 0; k < image.Length; k++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            image[k] += (float)(background + (noise * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)));
        }

        return image;
    }
}
