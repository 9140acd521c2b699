using Apdb.Imaging;

namespace Apdb.ForcedPhot.Tests;

/// <summary>
/// Known-truth test images: point sources rendered with a pixel-integrated PSF onto a flat background, Poisson noise
/// on sky + source (gain 1) plus Gaussian read noise. The variance plane is the true (model) variance.
/// </summary>
internal sealed class SimulatedImage
{
    public required Exposure Exposure { get; init; }

    public required double[] X { get; init; }

    public required double[] Y { get; init; }

    public required double[] Flux { get; init; }

    public required double Background { get; init; }

    public static SimulatedImage Render(int width, int height, Psf truePsf, double background, double readNoise,
        double[] x, double[] y, double[] flux, int seed, bool subtractTrueBackground = true)
    {
        var model = new double[width * height];
        const int H = 20;
        var size = (2 * H) + 1;
        var stamp = new float[size * size];
        for (var s = 0; s < x.Length; s++)
        {
            truePsf.ComputeStamp(x[s], y[s], H, stamp);
            var cx = Psf.StampCentre(x[s]);
            var cy = Psf.StampCentre(y[s]);
            for (var j = 0; j < size; j++)
            {
                var yy = cy - H + j;
                if (yy < 0 || yy >= height) continue;
                for (var i = 0; i < size; i++)
                {
                    var xx = cx - H + i;
                    if (xx < 0 || xx >= width) continue;
                    model[(yy * width) + xx] += flux[s] * stamp[(j * size) + i];
                }
            }
        }

        var random = new Random(seed);
        var image = new float[width * height];
        var variance = new float[width * height];
        for (var k = 0; k < image.Length; k++)
        {
            var lambda = background + model[k];
            var counts = Poisson(random, lambda) + (readNoise * Gaussian(random));
            image[k] = (float)(subtractTrueBackground ? counts - background : counts);
            variance[k] = (float)(lambda + (readNoise * readNoise));
        }

        var exposure = new Exposure(width, height, image, variance) { Psf = truePsf };
        return new SimulatedImage { Exposure = exposure, X = x, Y = y, Flux = flux, Background = background };
    }

    /// <summary>Sources on a jittered grid (isolated by construction), fluxes log-uniform between the bounds.</summary>
    public static (double[] X, double[] Y, double[] Flux) Grid(int width, int height, int spacing, double minFlux, double maxFlux, int seed)
    {
        var random = new Random(seed);
        var xs = new List<double>();
        var ys = new List<double>();
        var fs = new List<double>();
        for (var gy = spacing; gy < height - spacing; gy += spacing)
        {
            for (var gx = spacing; gx < width - spacing; gx += spacing)
            {
                xs.Add(gx + (random.NextDouble() * 4) - 2);
                ys.Add(gy + (random.NextDouble() * 4) - 2);
                fs.Add(minFlux * Math.Pow(maxFlux / minFlux, random.NextDouble()));
            }
        }

        return ([.. xs], [.. ys], [.. fs]);
    }

    public static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static double Poisson(Random random, double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda > 200)
        {
            // Normal approximation with continuity: indistinguishable from Poisson at these rates for our statistics.
            return Math.Max(0, Math.Round(lambda + (Math.Sqrt(lambda) * Gaussian(random))));
        }

        var l = Math.Exp(-lambda);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= random.NextDouble();
        }
        while (p > l);
        return k - 1;
    }
}
