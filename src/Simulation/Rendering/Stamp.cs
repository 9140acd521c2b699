using Apdb.Imaging;

namespace Apdb.Simulation.Rendering;

/// <summary>Draws pixel-integrated circular Gaussians into an image, clipped to its bounds.</summary>
internal static class Stamp
{
    public static void Draw(float[] image, int width, int height, double x, double y, double sigma, double flux)
    {
        // Half-width where the profile falls to 0.02 electrons (at most 64 pixels).
        var peak = flux / (2 * Math.PI * sigma * sigma);
        var reach = peak > 0.02 ? sigma * Math.Sqrt(2 * Math.Log(peak / 0.02)) : sigma;
        var hw = (int)Math.Clamp(Math.Ceiling(reach) + 1, 3, 64);
        var cx = (int)Math.Floor(x + 0.5);
        var cy = (int)Math.Floor(y + 0.5);
        var x0 = Math.Max(cx - hw, 0);
        var x1 = Math.Min(cx + hw, width - 1);
        var y0 = Math.Max(cy - hw, 0);
        var y1 = Math.Min(cy + hw, height - 1);
        if (x0 > x1 || y0 > y1)
        {
            return;
        }

        Span<double> gx = stackalloc double[x1 - x0 + 1];
        Span<double> gy = stackalloc double[y1 - y0 + 1];
        Profile(x, sigma, x0, gx);
        Profile(y, sigma, y0, gy);
        for (var j = 0; j < gy.Length; j++)
        {
            var row = ((y0 + j) * width) + x0;
            var fy = flux * gy[j];
            for (var i = 0; i < gx.Length; i++)
            {
                image[row + i] += (float)(fy * gx[i]);
            }
        }
    }

    private static void Profile(double centre, double sigma, int start, Span<double> g)
    {
        var scale = 1.0 / (sigma * Math.Sqrt(2.0));
        var lower = SpecialFunctions.Erf((start - 0.5 - centre) * scale);
        for (var i = 0; i < g.Length; i++)
        {
            var upper = SpecialFunctions.Erf((start + i + 0.5 - centre) * scale);
            g[i] = 0.5 * (upper - lower);
            lower = upper;
        }
    }
}
