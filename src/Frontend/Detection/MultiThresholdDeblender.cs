using System.Diagnostics;

namespace Apdb.Frontend.Detection;

/// <summary>
/// SExtractor's multi-threshold deblending (Bertin &amp; Arnouts 1996, section 2.4) of one footprint, on a lightly
/// smoothed image: <see cref="Levels"/> exponentially spaced thresholds between a base level and the footprint's peak;
/// at each level the footprint's pixels above it form 8-connected branches, and the object splits when at least two
/// branches are significant: their flux (the sum over their pixels) exceeds <see cref="MinContrast"/> of the footprint's
/// total flux, they hold at least <see cref="MinArea"/> pixels, and (unlike SExtractor, which leaves noise to its
/// 1.5-sigma threshold) their peak stands <see cref="MinHeight"/> sigma of the smoothed image above the level. Each significant branch is
/// split again at the higher levels; the leaves are the children.
/// </summary>
/// <remarks>
/// The deblending image is smoothed less than the matched filter the footprints come from (a Gaussian of at most half
/// the PSF's sigma, SExtractor's default 3 x 3 filter is about 0.85 px): two stars one FWHM apart are one peak after a
/// PSF-matched smoothing but two after a narrow one.
/// </remarks>
internal sealed class MultiThresholdDeblender
{
    private readonly float[] _image;
    private readonly float[] _localVariance;
    private readonly double _noiseNorm;
    private readonly int _width;
    private readonly int _height;
    private int[] _set = [];
    private int[] _seen = [];
    private int _epoch;
    private int _x0;
    private int _y0;
    private int _boxWidth;

    /// <param name="image">The lightly smoothed image.</param>
    /// <param name="localVariance">A smoothed per-pixel variance (the matched filter's G * V).</param>
    /// <param name="noiseNorm">sigma^2 of the smoothed image at a pixel = localVariance * noiseNorm (sum of the kernel's squares, times any rescale).</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    public MultiThresholdDeblender(float[] image, float[] localVariance, double noiseNorm, int width, int height)
    {
        Debug.Assert(image.Length == width * height && localVariance.Length == image.Length, "planes of the image's size");
        _image = image;
        _localVariance = localVariance;
        _noiseNorm = noiseNorm;
        _width = width;
        _height = height;
    }

    /// <summary>Thresholds between the base level and the peak (SExtractor's DEBLEND_NTHRESH).</summary>
    public int Levels { get; init; } = 32;

    /// <summary>
    /// A branch's flux as a fraction of the footprint's (SExtractor's DEBLEND_MINCONT). The branch's whole flux, not its
    /// flux above the level: with the flux above the level, pairs that source-extractor splits stayed whole in the pair
    /// grids of the crowded-field tests.
    /// </summary>
    public double MinContrast { get; init; } = 0.005;

    /// <summary>Pixels a branch needs at its level.</summary>
    public int MinArea { get; init; } = 3;

    /// <summary>Height of a branch's peak above its level, in sigma of the smoothed image.</summary>
    public double MinHeight { get; init; } = 3.0;

    /// <summary>Base level, in sigma of the smoothed image (SExtractor's default DETECT_THRESH).</summary>
    public double BaseLevel { get; init; } = 1.5;

    /// <summary>
    /// Footprints larger than this are not deblended (one peak): the tree costs up to <see cref="Levels"/> passes over the
    /// footprint per split, and a footprint of a million pixels is a background or bleed problem, not a blend of stars.
    /// </summary>
    public int MaxArea { get; init; } = 1_000_000;

    /// <summary>The children's peak pixels (the brightest pixel of each leaf), or an empty list when the footprint does not split.</summary>
    public List<int> Split(List<int> pixels, int sign)
    {
        var result = new List<int>();
        if (pixels.Count < 2 * MinArea || pixels.Count > MaxArea || CountLocalMaxima(pixels, sign, 2) < 2)
        {
            return result;
        }

        double sigmaSum = 0;
        var peak = float.MinValue;
        foreach (var k in pixels)
        {
            sigmaSum += Sigma(k);
            peak = Math.Max(peak, sign * _image[k]);
        }

        var level0 = BaseLevel * sigmaSum / pixels.Count;
        var above = pixels.Where(k => sign * _image[k] > level0).ToList();
        if (!(peak > level0) || above.Count < 2 * MinArea)
        {
            return result;
        }

        double total = 0;
        foreach (var k in above)
        {
            total += sign * _image[k];
        }

        var levels = new double[Levels];
        for (var i = 0; i < Levels; i++)
        {
            levels[i] = level0 * Math.Pow(peak / level0, (double)i / Levels);
        }

        PrepareBox(above);
        var leaves = new List<List<int>>();
        Branch(above, 1, levels, sign, MinContrast * total, leaves);
        if (leaves.Count < 2)
        {
            return result;
        }

        foreach (var leaf in leaves)
        {
            var best = leaf[0];
            foreach (var k in leaf)
            {
                if (sign * _image[k] > sign * _image[best])
                {
                    best = k;
                }
            }

            result.Add(best);
        }

        return result;
    }

    private double Sigma(int k) => Math.Sqrt(Math.Max(_localVariance[k], 0f) * _noiseNorm);

    private void Branch(List<int> pixels, int firstLevel, double[] levels, int sign, double minFlux, List<List<int>> leaves)
    {
        var current = pixels;
        for (var i = firstLevel; i < levels.Length; i++)
        {
            var components = Components(current, levels[i], sign);
            var significant = components.Where(c => IsSignificant(c, levels[i], sign, minFlux)).ToList();
            if (significant.Count >= 2)
            {
                foreach (var branch in significant)
                {
                    Branch(branch, i + 1, levels, sign, minFlux, leaves);
                }

                return;
            }

            // Higher levels are subsets of this one: carry only the pixels still above it.
            current = components.Count == 1 ? components[0] : [.. components.SelectMany(c => c)];
            if (current.Count == 0)
            {
                break;
            }
        }

        leaves.Add(current.Count > 0 ? current : pixels);
    }

    private bool IsSignificant(List<int> branch, double level, int sign, double minFlux)
    {
        if (branch.Count < MinArea)
        {
            return false;
        }

        double flux = 0;
        var best = branch[0];
        foreach (var k in branch)
        {
            flux += sign * _image[k];
            if (sign * _image[k] > sign * _image[best])
            {
                best = k;
            }
        }

        return flux > minFlux && (sign * _image[best]) - level >= MinHeight * Sigma(best);
    }

    private int CountLocalMaxima(List<int> pixels, int sign, int stopAt)
    {
        var count = 0;
        foreach (var k in pixels)
        {
            var x = k % _width;
            var y = k / _width;
            var v = sign * _image[k];
            var isMax = true;
            for (var dy = -1; dy <= 1 && isMax; dy++)
            {
                for (var dx = -1; dx <= 1; dx++)
                {
                    var xx = x + dx;
                    var yy = y + dy;
                    if ((dx | dy) == 0 || (uint)xx >= (uint)_width || (uint)yy >= (uint)_height)
                    {
                        continue;
                    }

                    var n = (yy * _width) + xx;
                    var u = sign * _image[n];
                    if (u > v || (u == v && n < k))
                    {
                        isMax = false;
                        break;
                    }
                }
            }

            if (isMax && ++count >= stopAt)
            {
                return count;
            }
        }

        return count;
    }

    private void PrepareBox(List<int> pixels)
    {
        int minX = int.MaxValue, maxX = -1, minY = int.MaxValue, maxY = -1;
        foreach (var k in pixels)
        {
            minX = Math.Min(minX, k % _width);
            maxX = Math.Max(maxX, k % _width);
            minY = Math.Min(minY, k / _width);
            maxY = Math.Max(maxY, k / _width);
        }

        _x0 = minX;
        _y0 = minY;
        _boxWidth = maxX - minX + 1;
        var area = _boxWidth * (maxY - minY + 1);
        _set = new int[area];
        _seen = new int[area];
        _epoch = 0;
    }

    private int Local(int x, int y) => ((y - _y0) * _boxWidth) + (x - _x0);

    private List<List<int>> Components(List<int> pixels, double level, int sign)
    {
        var epoch = ++_epoch;
        foreach (var k in pixels)
        {
            if (sign * _image[k] > level)
            {
                _set[Local(k % _width, k / _width)] = epoch;
            }
        }

        var components = new List<List<int>>();
        var stack = new Stack<int>();
        foreach (var start in pixels)
        {
            var ls = Local(start % _width, start / _width);
            if (_set[ls] != epoch || _seen[ls] == epoch)
            {
                continue;
            }

            var component = new List<int>();
            _seen[ls] = epoch;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var k = stack.Pop();
                component.Add(k);
                VisitNeighbours(k, epoch, stack);
            }

            components.Add(component);
        }

        return components;
    }

    private void VisitNeighbours(int k, int epoch, Stack<int> stack)
    {
        var x = k % _width;
        var y = k / _width;
        var boxHeight = _set.Length / _boxWidth;
        for (var dy = -1; dy <= 1; dy++)
        {
            for (var dx = -1; dx <= 1; dx++)
            {
                var xx = x + dx;
                var yy = y + dy;
                if ((uint)(xx - _x0) >= (uint)_boxWidth || (uint)(yy - _y0) >= (uint)boxHeight)
                {
                    continue;
                }

                var l = Local(xx, yy);
                if (_set[l] == epoch && _seen[l] != epoch)
                {
                    _seen[l] = epoch;
                    stack.Push((yy * _width) + xx);
                }
            }
        }
    }
}
