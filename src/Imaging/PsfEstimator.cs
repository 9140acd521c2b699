using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Apdb.Sky;

namespace Apdb.Imaging;

/// <summary>
/// Estimates a spatially constant PSF from an image: peaks of the background-subtracted image above
/// <see cref="MinPeakSigma"/> that are local maxima, away from edges, masks and brighter neighbours, not saturated;
/// Gaussian-weighted adaptive second moments give each star's FWHM; outliers (cosmic rays, galaxies, blends) are
/// clipped about the median; then either a Gaussian of the median FWHM or a pixelized model is built: the per-pixel
/// median of the stars, each shifted onto the central pixel by band-limited interpolation and normalized, stacked
/// twice (the second time without pixels of neighbours the first stack exposed), zero beyond the model radius.
/// </summary>
public sealed class PsfEstimator
{
    /// <summary>Minimum peak height, in units of the local background RMS.</summary>
    public double MinPeakSigma { get; init; } = 20;

    /// <summary>Radius of the pixelized model: (2R+1) pixels square.</summary>
    public int ModelRadius { get; init; } = 15;

    /// <summary>Maximum number of stars used.</summary>
    public int MaxStars { get; init; } = 200;

    /// <summary>Fewer kept stars than this give a Gaussian model instead of a pixelized one.</summary>
    public int MinStarsForPixelized { get; init; } = 5;

    /// <summary>
    /// Scale the pixelized model so PSF fluxes of the PSF stars match 3-FWHM aperture fluxes (off by default: on a
    /// crowded simulated Gaussian-PSF image it over-corrected by +0.4% while the plain model was within 0.01%; on an
    /// isolated-star Moffat image it fixed a -0.3% bias).
    /// </summary>
    public bool ApertureCorrect { get; init; }

    /// <summary>Build a pixelized model (true) or always a Gaussian of the median FWHM (false).</summary>
    public bool Pixelized { get; init; } = true;

    /// <summary>Finds stars and builds the model; throws <see cref="InvalidOperationException"/> when no usable star is found.</summary>
    /// <param name="image">Background-subtracted image.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="rms">Per-pixel noise RMS (e.g. sqrt of the variance plane).</param>
    /// <param name="mask">Mask plane (may be empty).</param>
    /// <param name="badBits">Mask bits that disqualify a star (saturation, bad pixels...).</param>
    public PsfEstimate Estimate(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<float> rms, ReadOnlySpan<int> mask, int badBits) =>
        Estimate(image, width, height, rms, isVariance: false, mask, badBits);

    /// <summary>
    /// As <see cref="Estimate(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/> from the variance
    /// plane: the RMS is taken where it is needed (positive pixels of the peak scan, one pixel a star) instead of as a whole
    /// plane first, which cost a whole-plane pass for a few hundred pixels. The same stars and model.
    /// </summary>
    public PsfEstimate EstimateFromVariance(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<float> variance, ReadOnlySpan<int> mask, int badBits) =>
        Estimate(image, width, height, variance, isVariance: true, mask, badBits);

    private PsfEstimate Estimate(ReadOnlySpan<float> image, int width, int height, ReadOnlySpan<float> noise, bool isVariance, ReadOnlySpan<int> mask, int badBits)
    {
        var name = isVariance ? "variance" : "rms";
        if (image.Length != (long)width * height || noise.Length != image.Length || (mask.Length != 0 && mask.Length != image.Length))
        {
            throw new ArgumentException($"image ({image.Length}), {name} ({noise.Length}) and mask ({mask.Length}) do not match {width} x {height}");
        }

        unsafe
        {
            // Pinned for the parallel scan and moments (spans cannot be captured by their lambdas).
            fixed (float* imagePointer = image)
            fixed (float* noisePointer = noise)
            {
                return Estimate(new Plane((nint)imagePointer, image.Length), new Plane((nint)noisePointer, noise.Length), isVariance, width, height, mask, badBits);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private PsfEstimate Estimate(Plane imagePlane, Plane rmsPlane, bool isVariance, int width, int height, ReadOnlySpan<int> mask, int badBits)
    {
        var (candidates, isolation) = FindPeaks(imagePlane, rmsPlane, isVariance, width, height);

        // Isolation: no other 5-sigma peak within the model radius: peaks in cells of that size, the indices of each
        // cell contiguous (counts, then offsets), so a candidate looks at 3 x 3 cells.
        var grid = new PeakGrid(isolation, width, height, ModelRadius);
        var stars = MeasureStars(imagePlane, width, height, mask, badBits, candidates, grid);
        if (stars.Count == 0)
        {
            throw new InvalidOperationException($"no isolated unsaturated star with a peak above {MinPeakSigma} sigma was found to estimate the PSF");
        }

        var kept = KeepTypical(stars);
        var keptFwhm = kept.Select(s => s.FwhmPixels).ToArray();
        var medianFwhm = Selection.Select(keptFwhm.AsSpan(), keptFwhm.Length / 2);
        Psf psf = Pixelized && kept.Count >= MinStarsForPixelized
            ? BuildPixelized(imagePlane, width, rmsPlane.Span, isVariance, kept, medianFwhm)
            : new GaussianPsf(medianFwhm);
        return new PsfEstimate(psf, kept, medianFwhm);
    }

    /// <summary>
    /// Local maxima above 5 sigma (for isolation) and MinPeakSigma (candidates), in parallel over bands of rows,
    /// merged in row order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (List<(int X, int Y, float Peak)> Candidates, List<(int X, int Y, float Peak)> Isolation) FindPeaks(
        Plane imagePlane, Plane rmsPlane, bool isVariance, int width, int height)
    {
        var border = ModelRadius + 8;
        const int BandRows = 64;
        var bands = Math.Max(0, (height - (2 * border) + BandRows - 1) / BandRows);
        var found = new List<(int X, int Y, float Peak, bool Candidate)>[bands];
        Parallel.For(0, bands, band =>
        {
            var img = imagePlane.Span;
            var noiseRow = rmsPlane.Span;
            var local = new List<(int X, int Y, float Peak, bool Candidate)>();
            for (var y = border + (band * BandRows); y < Math.Min(height - border, border + ((band + 1) * BandRows)); y++)
            {
                var row = y * width;
                var x = border;

                // Eight pixels at a time, only to find the few above 5 sigma; each of those is then tested one by one.
                if (Vector256.IsHardwareAccelerated)
                {
                    var five = Vector256.Create(5f);
                    for (; x <= width - border - Vector256<float>.Count; x += Vector256<float>.Count)
                    {
                        var v8 = Vector256.Create(img.Slice(row + x, Vector256<float>.Count));
                        var n8 = Vector256.Create(noiseRow.Slice(row + x, Vector256<float>.Count));
                        if (isVariance)
                        {
                            n8 = Vector256.Sqrt(Vector256.Max(n8, Vector256<float>.Zero));
                        }

                        var bits = Vector256.ExtractMostSignificantBits(Vector256.GreaterThan(v8, five * n8) & Vector256.GreaterThan(n8, Vector256<float>.Zero));
                        while (bits != 0)
                        {
                            var lane = System.Numerics.BitOperations.TrailingZeroCount(bits);
                            bits &= bits - 1;
                            Peak(img, noiseRow, x + lane);
                        }
                    }
                }

                for (; x < width - border; x++)
                {
                    Peak(img, noiseRow, x);
                }

                void Peak(ReadOnlySpan<float> img, ReadOnlySpan<float> noiseRow, int x)
                {
                    var k = row + x;
                    var v = img[k];
                    var noise = isVariance ? MathF.Sqrt(Math.Max(noiseRow[k], 0f)) : noiseRow[k];
                    if (!(v > 5 * noise) || !(noise > 0))
                    {
                        return;
                    }

                    if (!(v > img[k - 1] && v >= img[k + 1] && v > img[k - width] && v >= img[k + width]
                          && v > img[k - width - 1] && v > img[k - width + 1] && v >= img[k + width - 1] && v >= img[k + width + 1]))
                    {
                        return;
                    }

                    local.Add((x, y, v, v > MinPeakSigma * noise));
                }
            }

            found[band] = local;
        });
        var candidates = new List<(int X, int Y, float Peak)>();
        var isolation = new List<(int X, int Y, float Peak)>();
        foreach (var list in found)
        {
            foreach (var (x, y, v, candidate) in list)
            {
                isolation.Add((x, y, v));
                if (candidate)
                {
                    candidates.Add((x, y, v));
                }
            }
        }

        return (candidates, isolation);
    }

    /// <summary>
    /// Isolated, unmasked, unsaturated candidates, brightest first; their adaptive moments in parallel, a batch at a
    /// time, kept in that order until 4 x MaxStars. Candidates are tested only as far as the batches reach.
    /// </summary>
    private List<PsfStar> MeasureStars(Plane imagePlane, int width, int height, ReadOnlySpan<int> mask, int badBits, List<(int X, int Y, float Peak)> candidates, PeakGrid grid)
    {
        var image = imagePlane.Span;
        var sorted = candidates.OrderByDescending(c => c.Peak).ToArray(); // stable: equal peaks keep their row order
        var next = 0;
        var eligible = new List<(int X, int Y, float Peak)>();
        var stars = new List<PsfStar>();
        for (var start = 0; stars.Count < 4 * MaxStars; start += 4 * MaxStars)
        {
            while (eligible.Count < start + (4 * MaxStars) && next < sorted.Length)
            {
                var c = sorted[next++];
                if (!grid.HasNeighbour(c.X, c.Y) && !HasBadPixel(mask, badBits, width, c.X, c.Y, 3) && !IsFlatTopped(image, width, c.X, c.Y))
                {
                    eligible.Add(c);
                }
            }

            if (start >= eligible.Count)
            {
                break;
            }

            var batch = eligible.GetRange(start, Math.Min(4 * MaxStars, eligible.Count - start));
            var moments = new PsfStar?[batch.Count];
            Parallel.For(0, batch.Count, i => moments[i] = AdaptiveMoments(imagePlane.Span, width, height, batch[i].X, batch[i].Y));
            for (var i = 0; i < batch.Count && stars.Count < 4 * MaxStars; i++)
            {
                if (moments[i] is { } star)
                {
                    stars.Add(star with { Peak = batch[i].Peak });
                }
            }
        }

        return stars;
    }

    /// <summary>The stars of typical width (within 3 robust sigma or 10% of the median FWHM) and roundness, at most MaxStars; all when none is.</summary>
    private List<PsfStar> KeepTypical(List<PsfStar> stars)
    {
        var (median, deviation) = Selection.UpperMedianAndMad([.. stars.Select(s => s.FwhmPixels)]);
        var mad = 1.4826 * deviation;
        var tolerance = Math.Max(3 * mad, 0.1 * median);
        var kept = stars.Where(s => Math.Abs(s.FwhmPixels - median) <= tolerance && s.Ellipticity < 0.3).Take(MaxStars).ToList();
        if (kept.Count == 0)
        {
            kept = stars;
        }

        return kept;
    }

    /// <summary>Peaks binned in square cells, each cell's indices contiguous.</summary>
    private sealed class PeakGrid
    {
        private readonly List<(int X, int Y, float Peak)> _peaks;
        private readonly int _cell;
        private readonly int _columns;
        private readonly int _rows;
        private readonly int[] _start;
        private readonly int[] _index;

        public PeakGrid(List<(int X, int Y, float Peak)> peaks, int width, int height, int cell)
        {
            _peaks = peaks;
            _cell = cell;
            _columns = (width / cell) + 1;
            _rows = (height / cell) + 1;
            _start = new int[(_columns * _rows) + 1];
            foreach (var (x, y, _) in peaks)
            {
                _start[Cell(x, y) + 1]++;
            }

            for (var k = 1; k < _start.Length; k++)
            {
                _start[k] += _start[k - 1];
            }

            var fill = (int[])_start.Clone();
            _index = new int[peaks.Count];
            for (var i = 0; i < peaks.Count; i++)
            {
                _index[fill[Cell(peaks[i].X, peaks[i].Y)]++] = i;
            }
        }

        /// <summary>Whether another peak lies within the cell size of (x, y) (a peak at (x, y) itself does not count).</summary>
        public bool HasNeighbour(int x, int y)
        {
            var r2 = _cell * _cell;
            for (var gy = Math.Max(0, (y / _cell) - 1); gy <= Math.Min(_rows - 1, (y / _cell) + 1); gy++)
            {
                for (var gx = Math.Max(0, (x / _cell) - 1); gx <= Math.Min(_columns - 1, (x / _cell) + 1); gx++)
                {
                    var k = (gy * _columns) + gx;
                    for (var j = _start[k]; j < _start[k + 1]; j++)
                    {
                        var (px, py, _) = _peaks[_index[j]];
                        var d2 = ((px - x) * (px - x)) + ((py - y) * (py - y));
                        if (d2 > 0 && d2 <= r2)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private int Cell(int x, int y) => ((y / _cell) * _columns) + (x / _cell);
    }

    private static bool HasBadPixel(ReadOnlySpan<int> mask, int badBits, int width, int x, int y, int radius)
    {
        if (mask.Length == 0)
        {
            return false;
        }

        for (var dy = -radius; dy <= radius; dy++)
        {
            for (var dx = -radius; dx <= radius; dx++)
            {
                if ((mask[((y + dy) * width) + x + dx] & badBits) != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsFlatTopped(ReadOnlySpan<float> image, int width, int x, int y)
    {
        // A saturated core shows equal values around the peak.
        var k = (y * width) + x;
        var v = image[k];
        return image[k + 1] == v || image[k + width] == v || image[k + width + 1] == v || image[k + width - 1] == v;
    }

    /// <summary>Gaussian-weighted adaptive moments (weight matched to the star, as HSM): centroid, FWHM, ellipticity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static PsfStar? AdaptiveMoments(ReadOnlySpan<float> image, int width, int height, double x0, double y0)
    {
        double cx = x0, cy = y0, sxx = 2.0, syy = 2.0, sxy = 0.0;
        Span<double> column = stackalloc double[81]; // 2r + 1 with r <= 40
        for (var iteration = 0; iteration < 30; iteration++)
        {
            var det = (sxx * syy) - (sxy * sxy);
            if (!(det > 0))
            {
                return null;
            }

            var ixx = syy / det;
            var iyy = sxx / det;
            var ixy = -sxy / det;
            var r = (int)Math.Ceiling(4 * Math.Sqrt(Math.Max(sxx, syy)));
            var xa = (int)Math.Round(cx);
            var ya = (int)Math.Round(cy);
            if (xa - r < 0 || ya - r < 0 || xa + r >= width || ya + r >= height || r > 40)
            {
                return null;
            }

            // The weight exp(-(ixx dx^2 + iyy dy^2 + 2 ixy dx dy) / 2) factored: a column factor, a row factor, and the
            // cross term exp(-ixy dy dx) advanced along the row by a constant ratio: three multiplications a pixel
            // instead of an exponential (the same weights to ~1e-15 relative).
            var n = (2 * r) + 1;
            for (var i = 0; i < n; i++)
            {
                var dx = xa - r + i - cx;
                column[i] = Math.Exp(-0.5 * ixx * dx * dx);
            }

            double s0 = 0, s1x = 0, s1y = 0, s2xx = 0, s2yy = 0, s2xy = 0;
            for (var y = ya - r; y <= ya + r; y++)
            {
                var dy = y - cy;
                var rowFactor = Math.Exp(-0.5 * iyy * dy * dy);
                var step = Math.Exp(-ixy * dy);
                var cross = Math.Exp(-ixy * dy * (xa - r - cx));
                var row = image.Slice((y * width) + xa - r, n);
                for (var i = 0; i < n; i++)
                {
                    var dx = xa - r + i - cx;
                    var v = column[i] * rowFactor * cross * row[i];
                    cross *= step;
                    s0 += v;
                    s1x += v * dx;
                    s1y += v * dy;
                    s2xx += v * dx * dx;
                    s2yy += v * dy * dy;
                    s2xy += v * dx * dy;
                }
            }

            if (!(s0 > 0))
            {
                return null;
            }

            var mx = s1x / s0;
            var my = s1y / s0;
            var mxx = (s2xx / s0) - (mx * mx);
            var myy = (s2yy / s0) - (my * my);
            var mxy = (s2xy / s0) - (mx * my);
            cx += mx;
            cy += my;

            // For a Gaussian source with weight W and measured moments M: C = (M^-1 - W^-1)^-1; with the matched
            // weight W = C at convergence, M = C / 2. Iterate W <- 2M.
            var nxx = 2 * mxx;
            var nyy = 2 * myy;
            var nxy = 2 * mxy;
            var change = Math.Abs(nxx - sxx) + Math.Abs(nyy - syy) + Math.Abs(nxy - sxy) + Math.Abs(mx) + Math.Abs(my);
            sxx = nxx;
            syy = nyy;
            sxy = nxy;
            if (!(sxx > 0.05 && syy > 0.05) || Math.Abs(cx - x0) > 3 || Math.Abs(cy - y0) > 3)
            {
                return null;
            }

            if (change < 1e-5)
            {
                // Remove the pixel response (a 1-pixel box adds 1/12 pixel^2) so the FWHM is that of the optical PSF.
                var tr = Math.Max(((sxx + syy) / 2) - (1.0 / 12.0), 0.01);
                var root = Math.Sqrt((((sxx - syy) / 2) * ((sxx - syy) / 2)) + (sxy * sxy));
                var a = Math.Sqrt(Math.Max(tr + root, 1e-6));
                var b = Math.Sqrt(Math.Max(tr - root, 1e-6));
                return new PsfStar(cx, cy, 0, GaussianPsf.FwhmPerSigma * Math.Sqrt(tr), (a - b) / (a + b));
            }
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private PixelizedPsf BuildPixelized(Plane imagePlane, int width, ReadOnlySpan<float> rms, bool isVariance, List<PsfStar> stars, double fwhm)
    {
        var r = ModelRadius;
        var size = (2 * r) + 1;
        var (stamps, starFlux) = CutOutStamps(imagePlane, width, stars, fwhm);
        var noise = SkyNoise(width, rms, isVariance, stars);

        // Median stack, then again without the neighbours it exposed: faint neighbours (below the isolation cut) in a
        // few percent of the stamps shift every wing pixel's median up by ~1.25 x (that fraction) x (noise); summed
        // over the model that was ~0.1% of the light, taken from the core by the normalization (PSF fluxes 0.1% high,
        // median pulls +0.1-0.25 for S/N 100-1000). In the second stack a pixel more than 2 FWHM from a star's centre is
        // left out when the 3x3 sum of that star's residual from the first model around it is above 4 sigma (dilated by
        // one pixel): a neighbour of flux ~500 counts on a 23-count sky is caught, noise alone very rarely.
        var model = MedianStack(stamps, null, size);
        var flags = new bool[stars.Count][];
        var residual = new float[size * size];
        for (var s = 0; s < stars.Count; s++)
        {
            flags[s] = new bool[size * size];
            if (noise[s] > 0 && starFlux[s] > 0)
            {
                FlagNeighbours(stamps[s], model, starFlux[s], noise[s], fwhm, residual, flags[s]);
            }
        }

        model = MedianStack(stamps, flags, size);
        ZeroCorners(model, r);
        var uncorrected = new PixelizedPsf(model, r, fwhm);
        return ApertureCorrect ? new PixelizedPsf(model, r, fwhm, ApertureCorrection(imagePlane.Span, width, stars, uncorrected)) : uncorrected;
    }

    /// <summary>
    /// Each star cut out with a margin (so the periodic interpolant's wrap-around stays outside the model) and shifted so
    /// its centroid lands on the central pixel: model(i, j) = image(cx + i - R, cy + j - R); each stamp normalized to
    /// its flux within max(3 FWHM, 5 px), which is returned too.
    /// </summary>
    private (float[][] Stamps, double[] Flux) CutOutStamps(Plane imagePlane, int width, List<PsfStar> stars, double fwhm)
    {
        var r = ModelRadius;
        var size = (2 * r) + 1;
        var stamps = new float[stars.Count][];
        var fluxRadius2 = Math.Pow(Math.Max(3 * fwhm, 5), 2);
        const int Margin = 5;
        var n = size + (2 * Margin);
        var half = n / 2;
        var starFlux = new double[stars.Count];
        Parallel.For(0, stars.Count, () => new float[n * n], (s, _, cutout) =>
        {
            var image = imagePlane.Span;
            var star = stars[s];
            var ix = (int)Math.Round(star.X);
            var iy = (int)Math.Round(star.Y);
            for (var j = 0; j < n; j++)
            {
                var yy = iy - half + j;
                for (var i = 0; i < n; i++)
                {
                    var xx = ix - half + i;
                    var k = ((long)yy * width) + xx;
                    cutout[(j * n) + i] = xx >= 0 && xx < width && k >= 0 && k < image.Length && float.IsFinite(image[(int)k]) ? image[(int)k] : 0f;
                }
            }

            var stamp = new float[size * size];
            PixelizedPsf.BandLimitedShift(cutout, n, star.X - ix, star.Y - iy, r, stamp);
            double flux = 0;
            for (var j = 0; j < size; j++)
            {
                for (var i = 0; i < size; i++)
                {
                    if (((i - r) * (i - r)) + ((j - r) * (j - r)) <= fluxRadius2)
                    {
                        flux += stamp[(j * size) + i];
                    }
                }
            }

            starFlux[s] = flux;
            if (flux > 0)
            {
                for (var k = 0; k < stamp.Length; k++)
                {
                    stamp[k] = (float)(stamp[k] / flux);
                }
            }

            stamps[s] = stamp;
            return cutout;
        }, _ => { });

        return (stamps, starFlux);
    }

    /// <summary>The sky noise near each star (R px to its side: the star's own Poisson noise is not in it); NaN when unknown.</summary>
    private double[] SkyNoise(int width, ReadOnlySpan<float> rms, bool isVariance, List<PsfStar> stars)
    {
        var r = ModelRadius;
        var noise = new double[stars.Count];
        for (var s = 0; s < stars.Count; s++)
        {
            var ix = (int)Math.Round(stars[s].X);
            var iy = (int)Math.Round(stars[s].Y);
            var k = ((long)iy * width) + Math.Min(width - 1, ix + r);
            var sky = k < rms.Length ? (isVariance ? MathF.Sqrt(Math.Max(rms[(int)k], 0f)) : rms[(int)k]) : 0f;
            noise[s] = sky > 0 ? sky : double.NaN;
        }

        return noise;
    }

    /// <summary>
    /// Flags, in one star's stamp, the pixels more than 2 FWHM from its centre where the 3x3 sum of its residual from
    /// the first model is above 4 sigma, dilated by one pixel: a neighbour the median stack should leave out.
    /// </summary>
    private void FlagNeighbours(float[] stamp, float[] model, double starFlux, double noise, double fwhm, float[] residual, bool[] flags)
    {
        var r = ModelRadius;
        var size = (2 * r) + 1;
        for (var k = 0; k < residual.Length; k++)
        {
            residual[k] = (float)((stamp[k] - model[k]) * starFlux);
        }

        var limit = 4 * 3 * noise;
        var core2 = 4 * fwhm * fwhm;
        var hit = new bool[size * size];
        for (var j = 1; j < size - 1; j++)
        {
            for (var i = 1; i < size - 1; i++)
            {
                if (((i - r) * (i - r)) + ((j - r) * (j - r)) <= core2)
                {
                    continue;
                }

                double box = 0;
                for (var dj = -1; dj <= 1; dj++)
                {
                    for (var di = -1; di <= 1; di++)
                    {
                        box += residual[((j + dj) * size) + i + di];
                    }
                }

                hit[(j * size) + i] = box > limit;
            }
        }

        for (var j = 0; j < size; j++)
        {
            for (var i = 0; i < size; i++)
            {
                if (!hit[(j * size) + i])
                {
                    continue;
                }

                for (var dj = -1; dj <= 1; dj++)
                {
                    for (var di = -1; di <= 1; di++)
                    {
                        var jj = j + dj;
                        var ii = i + di;
                        if (jj >= 0 && ii >= 0 && jj < size && ii < size && ((ii - r) * (ii - r)) + ((jj - r) * (jj - r)) > core2)
                        {
                            flags[(jj * size) + ii] = true;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The per-pixel median of the stamps, leaving out flagged pixels (a pixel flagged in every stamp gets 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] MedianStack(float[][] stamps, bool[][]? flags, int size)
    {
        var model = new float[size * size];
        Parallel.For(0, size, () => new float[stamps.Length], (j, _, column) =>
        {
            for (var k = j * size; k < (j + 1) * size; k++)
            {
                var c = 0;
                for (var s = 0; s < stamps.Length; s++)
                {
                    if (flags is null || !flags[s][k])
                    {
                        column[c++] = stamps[s][k];
                    }
                }

                if (c == 0)
                {
                    continue;
                }

                var values = column.AsSpan(0, c);
                model[k] = Selection.Median(values);
            }

            return column;
        }, _ => { });
        return model;
    }

    /// <summary>
    /// Zeroes the model beyond its radius R (the corners of the square) and returns the light removed. Stars are chosen
    /// with no 5-sigma peak within R, so the corners are where brighter neighbours sit: their light shifted the corner
    /// pixels' medians up by ~1.25 x (fraction of stamps contaminated) x (noise) each, ~0.15% of the flux in all on a
    /// crowded field (15k stars on 4096^2), which the normalization to unit sum took from the core (PSF fluxes 0.16%
    /// high, a median pull of +0.17 over stars of S/N 10-3000). A Moffat of beta 3.5 and FWHM 3.4 px has 0.08% of its
    /// light beyond 15 px.
    /// </summary>
    internal static double ZeroCorners(Span<float> model, int radius)
    {
        var size = (2 * radius) + 1;
        double removed = 0;
        for (var j = 0; j < size; j++)
        {
            for (var i = 0; i < size; i++)
            {
                if (((i - radius) * (i - radius)) + ((j - radius) * (j - radius)) > radius * radius)
                {
                    removed += model[(j * size) + i];
                    model[(j * size) + i] = 0f;
                }
            }
        }

        return removed;
    }

    /// <summary>
    /// The median ratio of PSF flux to the flux in a circular aperture of radius 3 FWHM over the PSF stars: interpolation
    /// and the median stack make the model's normalization slightly wrong (~0.3%); scaling the model by this ratio makes
    /// PSF fluxes agree with large-aperture fluxes, as Rubin's aperture correction does.
    /// </summary>
    private double ApertureCorrection(ReadOnlySpan<float> image, int width, List<PsfStar> stars, PixelizedPsf psf)
    {
        var h = Math.Clamp((int)Math.Ceiling(2.5 * psf.FwhmPixels), 4, ModelRadius);
        var size = (2 * h) + 1;
        var stamp = new float[size * size];
        var ratios = new List<double>();
        // An aperture of 3 FWHM (at least 8 px): larger ones collect undetected neighbours in crowded fields.
        var radius = (int)Math.Min(ModelRadius, Math.Max(8, Math.Ceiling(3 * psf.FwhmPixels)));
        var r2 = radius * radius;
        foreach (var star in stars)
        {
            psf.ComputeStamp(star.X, star.Y, h, stamp);
            var cx = Psf.StampCentre(star.X);
            var cy = Psf.StampCentre(star.Y);
            double pd = 0, pp = 0, aperture = 0;
            for (var j = 0; j < size; j++)
            {
                for (var i = 0; i < size; i++)
                {
                    var p = stamp[(j * size) + i];
                    var d = image[((cy - h + j) * width) + cx - h + i];
                    pd += p * d;
                    pp += p * p;
                }
            }

            for (var dy = -radius; dy <= radius; dy++)
            {
                for (var dx = -radius; dx <= radius; dx++)
                {
                    if ((dx * dx) + (dy * dy) <= r2)
                    {
                        aperture += image[((cy + dy) * width) + cx + dx];
                    }
                }
            }

            if (pp > 0 && aperture > 0)
            {
                ratios.Add(pd / pp / aperture);
            }
        }

        if (ratios.Count == 0)
        {
            return 1.0;
        }

        // Undetected neighbours inside an aperture only ever lower the ratio, so take the half-sample mode (the densest
        // half, halved again until three values are left), not the median, which they drag down in crowded fields.
        ratios.Sort();
        var lo = 0;
        var n = ratios.Count;
        while (n > 3)
        {
            var half = (n + 1) / 2;
            var best = lo;
            for (var i = lo; i + half - 1 < lo + n; i++)
            {
                if (ratios[i + half - 1] - ratios[i] < ratios[best + half - 1] - ratios[best])
                {
                    best = i;
                }
            }

            lo = best;
            n = half;
        }

        var mode = ratios.Skip(lo).Take(n).Average();
        return Math.Clamp(mode, 0.9, 1.1);
    }

    /// <summary>A pinned float plane as an address a parallel loop can capture.</summary>
    private readonly record struct Plane(nint Address, int Length)
    {
        public unsafe ReadOnlySpan<float> Span => new((float*)Address, Length);
    }
}
