using Apdb.Imaging;

namespace Apdb.Frontend.Calibration;

/// <summary>
/// Flags cosmic rays: pixels above <see cref="MinSigma"/> whose usable 4-neighbours average less than
/// <see cref="SharpnessFraction"/> of what the PSF allows (a PSF of sigma s gives a neighbour/peak ratio near
/// exp(-1/(2 s^2))). Repeated on the neighbours of flagged pixels (with flagged pixels left out) so tracks are followed;
/// then CR is grown by one pixel.
/// </summary>
internal sealed class CosmicRayFinder
{
    /// <summary>Minimum pixel significance.</summary>
    public double MinSigma { get; init; } = 4.5;

    /// <summary>A CR pixel's neighbours average below this fraction of the PSF's neighbour ratio times its value.</summary>
    public double SharpnessFraction { get; init; } = 0.5;

    /// <summary>Finds cosmic rays on a background-subtracted exposure and sets CR in its mask; returns the pixels flagged.</summary>
    public int Run(Exposure exposure, double psfFwhmPixels)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        var w = exposure.Width;
        var h = exposure.Height;
        var sigma = psfFwhmPixels / GaussianPsf.FwhmPerSigma;
        var ratio = (float)(SharpnessFraction * Math.Exp(-1.0 / (2 * sigma * sigma)));
        var minSigma = (float)MinSigma;
        var image = exposure.Image;
        var variance = exposure.Variance;
        var mask = exposure.Mask;
        var cr = new bool[w * h];
        const int Excluded = (int)(MaskPlane.Sat | MaskPlane.Bad | MaskPlane.NoData);

        bool Test(int k, int x, int y)
        {
            var v = image[k];
            if (!(v > minSigma * MathF.Sqrt(Math.Max(variance[k], 1e-20f))) || (mask[k] & Excluded) != 0)
            {
                return false;
            }

            float s = 0;
            var n = 0;
            if (x > 0 && !cr[k - 1]) { s += image[k - 1]; n++; }
            if (x < w - 1 && !cr[k + 1]) { s += image[k + 1]; n++; }
            if (y > 0 && !cr[k - w]) { s += image[k - w]; n++; }
            if (y < h - 1 && !cr[k + w]) { s += image[k + w]; n++; }
            return n > 0 && s / n < ratio * v;
        }

        var found = new List<int>[h];
        Parallel.For(0, h, y =>
        {
            List<int>? list = null;
            for (var x = 0; x < w; x++)
            {
                var k = (y * w) + x;
                if (Test(k, x, y))
                {
                    (list ??= []).Add(k);
                }
            }

            found[y] = list ?? [];
        });
        var frontier = found.SelectMany(l => l).ToList();
        foreach (var k in frontier)
        {
            cr[k] = true;
        }

        Span<int> block = stackalloc int[9];
        for (var pass = 0; pass < 4 && frontier.Count > 0; pass++)
        {
            var next = new List<int>();
            foreach (var k in frontier)
            {
                foreach (var n in block[..Block3x3(k, w, h, block)])
                {
                    if (!cr[n] && Test(n, n % w, n / w))
                    {
                        next.Add(n);
                    }
                }
            }

            foreach (var k in next)
            {
                cr[k] = true;
            }

            frontier = next;
        }

        var count = 0;
        for (var k = 0; k < cr.Length; k++)
        {
            if (!cr[k])
            {
                continue;
            }

            count++;
            foreach (var n in block[..Block3x3(k, w, h, block)])
            {
                mask[n] |= (int)MaskPlane.Cr;
            }
        }

        return count;
    }

    /// <summary>
    /// Writes the indices of the pixels of the 3x3 block centred on pixel <paramref name="k"/> of a
    /// <paramref name="w"/> x <paramref name="h"/> image that lie on the image, row by row, into
    /// <paramref name="indices"/>, and returns how many there are.
    /// </summary>
    private static int Block3x3(int k, int w, int h, Span<int> indices)
    {
        var x = k % w;
        var y = k / w;
        var m = 0;
        for (var yy = y - 1; yy <= y + 1; yy++)
        {
            for (var xx = x - 1; xx <= x + 1; xx++)
            {
                if ((uint)xx < (uint)w && (uint)yy < (uint)h)
                {
                    indices[m++] = (yy * w) + xx;
                }
            }
        }

        return m;
    }
}
