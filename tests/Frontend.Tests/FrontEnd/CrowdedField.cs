using Apdb.Imaging;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>
/// Crowded synthetic fields with known truth (issue 17): a Moffat PSF, stars with a neighbour 1.5-3 FWHM away at a flux
/// ratio of 1-100, isolated stars, white noise on a flat sky; and the scoring both detectors are held to.
/// </summary>
internal static class CrowdedField
{
    public const double Fwhm = 3.5;
    public const double Beta = 3.0;
    public const double Noise = 10.0;
    public const double Background = 500.0;

    /// <summary>Sky noise of a PSF-fitted point source: sigma sqrt(4 pi) sigma_psf (a Gaussian's effective area).</summary>
    public static double PointNoise => Noise * Math.Sqrt(4 * Math.PI) * Fwhm / GaussianPsf.FwhmPerSigma;

    public static Psf Psf => new MoffatPsf(Fwhm, Beta);

    /// <summary><paramref name="pairs"/> primary stars each with a neighbour, and <paramref name="isolated"/> single stars.</summary>
    public static (double X, double Y, double Flux)[] Stars(int size, int pairs, int isolated, int seed)
    {
        var random = new Random(seed);
        var stars = new List<(double X, double Y, double Flux)>();
        double Uniform(double a, double b) => a + ((b - a) * random.NextDouble());
        for (var i = 0; i < pairs; i++)
        {
            var x = Uniform(25, size - 25);
            var y = Uniform(25, size - 25);
            var flux = 3e3 * Math.Pow(100, random.NextDouble());
            var separation = Uniform(1.5, 3.0) * Fwhm;
            var angle = Uniform(0, 2 * Math.PI);
            var ratio = Math.Pow(100, random.NextDouble());
            stars.Add((x, y, flux));
            stars.Add((x + (separation * Math.Cos(angle)), y + (separation * Math.Sin(angle)), flux / ratio));
        }

        for (var i = 0; i < isolated; i++)
        {
            stars.Add((Uniform(20, size - 20), Uniform(20, size - 20), 300 * Math.Pow(300, random.NextDouble())));
        }

        return [.. stars];
    }

    /// <summary>
    /// Completeness over the truth stars at S/N &gt;= 10 more than 20 px inside the edge and with no other star within
    /// one FWHM (unresolvable by anyone), matched one-to-one within 2 px, brightest first; false detections are those
    /// matched to no truth star (of any flux) within 3 px, one-to-one, so a star split in two counts one false.
    /// </summary>
    public static (int Found, int Wanted, int False) Score((double X, double Y, double Flux)[] stars, int width, int height, IReadOnlyList<(double X, double Y)> found)
    {
        var used = new bool[found.Count];
        var order = Enumerable.Range(0, stars.Length).OrderByDescending(i => stars[i].Flux).ToArray();
        var wanted = 0;
        var matched = 0;
        foreach (var i in order)
        {
            var s = stars[i];
            var counted = s.Flux / PointNoise >= 10 && s.X > 20 && s.Y > 20 && s.X < width - 20 && s.Y < height - 20
                && !stars.Any(o => o != s && Distance(o.X, o.Y, s.X, s.Y) < Fwhm);
            var best = Nearest(found, used, s.X, s.Y, counted ? 2.0 : 3.0);
            if (best >= 0)
            {
                used[best] = true;
            }

            if (counted)
            {
                wanted++;
                matched += best >= 0 ? 1 : 0;
            }
        }

        return (matched, wanted, used.Count(u => !u));
    }

    private static int Nearest(IReadOnlyList<(double X, double Y)> found, bool[] used, double x, double y, double radius)
    {
        var best = -1;
        var bestDistance = radius;
        for (var k = 0; k < found.Count; k++)
        {
            var d = Distance(found[k].X, found[k].Y, x, y);
            if (!used[k] && d <= bestDistance)
            {
                best = k;
                bestDistance = d;
            }
        }

        return best;
    }

    private static double Distance(double x1, double y1, double x2, double y2) => Math.Sqrt(((x1 - x2) * (x1 - x2)) + ((y1 - y2) * (y1 - y2)));
}
