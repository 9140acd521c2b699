using System.Runtime.Intrinsics;
using Apdb.Imaging;
using Apdb.Sky;

namespace Apdb.ForcedPhot;

/// <summary>
/// Forced PSF photometry: the amplitude of the exposure's PSF at each FIXED position (no centroiding), batched.
/// Per batch, stamps of a spatially constant PSF are computed once on a grid of sub-pixel phases; each position's
/// pixels are gathered into contiguous buffers, cleaned (mask, NaN, variance) and fitted with fused SIMD sums; chunks
/// of positions run in parallel. Positions closer than <see cref="ForcedPhotOptions.BlendRadiusFwhm"/> FWHM are fitted
/// together by linear least squares of their amplitudes on the union of their stamps. Cost is linear in the number
/// of positions.
/// </summary>
public sealed class PsfAmplitudeFitter
{
    private const int OffImageBit = 1 << 30;

    /// <summary>Stamp-centre rows per band of the traversal (a band and the next one's rows stay in the last-level cache).</summary>
    private const int BandRows = 32;

    /// <summary>Plane values per 64-byte cache line (float and int planes alike).</summary>
    private const int LineFloats = 16;

    /// <summary>Creates a fitter.</summary>
    public PsfAmplitudeFitter(ForcedPhotOptions? options = null)
    {
        Options = options ?? new ForcedPhotOptions();
        if (Options.PhasesPerPixel is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.PhasesPerPixel, "PhasesPerPixel must be 1-256");
        }

        if (!(Options.ErrorScale > 0) || !double.IsFinite(Options.ErrorScale))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.ErrorScale, "ErrorScale must be finite and positive");
        }
    }

    /// <summary>The settings.</summary>
    public ForcedPhotOptions Options { get; }

    /// <summary>Measures at sky positions, through the exposure's WCS.</summary>
    public ForcedMeasurement[] MeasureSky(Exposure exposure, IReadOnlyList<SkyPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        ArgumentNullException.ThrowIfNull(positions);
        var wcs = exposure.Wcs ?? throw new ArgumentException("sky positions need a WCS, and the exposure has none");
        var x = new double[positions.Count];
        var y = new double[positions.Count];
        for (var i = 0; i < positions.Count; i++)
        {
            (x[i], y[i]) = wcs.SkyToPixel(positions[i]);
        }

        return Measure(exposure, x, y);
    }

    /// <summary>Measures at pixel positions (0-based, pixel centres on integers).</summary>
    public ForcedMeasurement[] Measure(Exposure exposure, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        ArgumentNullException.ThrowIfNull(exposure);
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x has {x.Length} positions, y {y.Length}");
        }

        var psf = exposure.Psf ?? throw new ArgumentException("forced photometry needs a PSF, and the exposure has none");
        var results = new ForcedMeasurement[x.Length];
        if (x.Length == 0)
        {
            return results;
        }

        var h = Options.HalfWidthFor(psf);
        var cache = psf.IsSpatiallyConstant ? new PsfStampCache(psf, h, Options.PhasesPerPixel) : null;
        var xs = x.ToArray();
        var ys = y.ToArray();
        var groups = BlendGroups.Find(xs, ys, Options.BlendRadiusFwhm * psf.FwhmPixels);
        var grouped = new bool[xs.Length];
        foreach (var g in groups)
        {
            foreach (var i in g)
            {
                grouped[i] = true;
            }
        }

        var calib = exposure.PhotoCalib ?? PhotoCalib.Identity;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxDegreeOfParallelism ?? -1 };

        // Visit positions by the row of their stamp centres, in bands of BandRows rows: consecutive fits then share image
        // rows in cache (in random order a fit is memory-bound). A band with enough fits also streams the next band's new
        // rows into cache in address order, a few lines a fit, which pays on planes up to half a detector and is neutral
        // on a full one (figures in benchmarks/forcedphot/README.md). A sparse band prefetches the next stamp's rows instead.
        var (order, bandStart) = OrderByBands(xs, ys, exposure.Height);
        var size = (2 * h) + 1;
        var bands = bandStart.Length - 1;
        var streamBands = exposure.Width >= LineFloats;
        Parallel.For(0, bands, parallel, () => new Workspace(h), (band, _, ws) =>
        {
            var begin = bandStart[band];
            var end = bandStart[band + 1];
            var count = end - begin;
            var stream = streamBands && (long)count * size >= exposure.Width && band < bands - 1;

            // The next band's rows not already in this band's stamps: [next * BandRows + h, (next + 1) * BandRows + h).
            var streamFrom = Math.Clamp(((long)(band + 1) * BandRows) + h, 0, exposure.Height) * exposure.Width;
            var streamTo = Math.Clamp(((long)(band + 2) * BandRows) + h, 0, exposure.Height) * exposure.Width;
            var linesPerFit = count == 0 ? 0 : (((streamTo - streamFrom) / LineFloats) + count - 1) / count;
            var cursor = streamFrom;
            for (var k = begin; k < end; k++)
            {
                var i = order[k];
                if (stream)
                {
                    var stop = Math.Min(streamTo, cursor + (linesPerFit * LineFloats));
                    StampKernels.Stream(exposure.Image, exposure.Variance, exposure.Mask, cursor, stop);
                    cursor = stop;
                }
                else if (k + 1 < end && double.IsFinite(xs[order[k + 1]]) && double.IsFinite(ys[order[k + 1]]))
                {
                    // The next stamp's rows are DRAM misses on a large image: ask for them while this one computes.
                    var next = order[k + 1];
                    var nx = Psf.StampCentre(xs[next]) - h;
                    var ny = Psf.StampCentre(ys[next]) - h;
                    if (nx >= 0 && ny >= 0 && nx + size <= exposure.Width && ny + size <= exposure.Height)
                    {
                        StampKernels.Prefetch(exposure.Image, exposure.Variance, exposure.Mask, exposure.Width, nx, ny, size);
                    }
                }

                if (!grouped[i])
                {
                    results[i] = FitOne(exposure, psf, cache, h, xs[i], ys[i], ws, calib);
                }
            }

            return ws;
        }, _ => { });
        Parallel.ForEach(groups, parallel, group => FitGroup(exposure, psf, cache, h, xs, ys, group, results, calib));
        return results;
    }

    /// <summary>
    /// Position indices ordered by band of stamp-centre rows (a counting sort: linear, and the serial part of a call),
    /// with each band's start in that order; positions with a non-finite coordinate go in a last band of their own.
    /// Band b holds centre rows [b * BandRows, (b + 1) * BandRows); rows off the image clamp to the first or last band.
    /// </summary>
    internal static (int[] Order, int[] BandStart) OrderByBands(double[] xs, double[] ys, int height)
    {
        var imageBands = Math.Max(1, (height + BandRows - 1) / BandRows);
        var bandOf = new int[xs.Length];
        var counts = new int[imageBands + 2];
        for (var i = 0; i < xs.Length; i++)
        {
            var b = double.IsFinite(xs[i]) && double.IsFinite(ys[i])
                ? Math.Clamp((int)Math.Clamp(Math.Floor(ys[i] + 0.5), -1.0, height) / BandRows, 0, imageBands - 1)
                : imageBands;
            bandOf[i] = b;
            counts[b + 1]++;
        }

        for (var b = 1; b < counts.Length; b++)
        {
            counts[b] += counts[b - 1];
        }

        var bandStart = (int[])counts.Clone();
        var order = new int[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            order[counts[bandOf[i]]++] = i;
        }

        return (order, bandStart);
    }

    /// <summary>Fits one isolated position; exposed for benchmarks and tests.</summary>
    internal ForcedMeasurement FitOne(Exposure exposure, Psf psf, PsfStampCache? cache, int h, double x, double y, Workspace ws, PhotoCalib calib)
    {
        if (!exposure.Contains(x, y))
        {
            return Unmeasured(x, y, ForcedPhotFlags.OffImage | (double.IsFinite(x) && double.IsFinite(y) ? 0 : ForcedPhotFlags.NoGoodPixels));
        }

        var cx = Psf.StampCentre(x);
        var cy = Psf.StampCentre(y);
        var size = (2 * h) + 1;
        var badBits = (int)Options.BadMask;
        var inside = cx - h >= 0 && cy - h >= 0 && cx + h < exposure.Width && cy + h < exposure.Height && StampKernels.Vectorized(size);
        var flags = ForcedPhotFlags.None;
        var weighted = Options.Estimator == FluxEstimator.Weighted;
        PsfFitSums s;
        ReadOnlySpan<float> stamp = default;
        if (inside)
        {
            // Fast path: one fused pass reads the planes in place and leaves the cleaned stamp in the scratch for chi^2.
            var (x0, y0) = (cx - h, cy - h);
            if (cache is null)
            {
                psf.ComputeStamp(x, y, h, ws.Psf);
                s = StampKernels.Sums(new StampPsf(ws.Psf, 0, size), size, exposure.Image, exposure.Variance, exposure.Mask, exposure.Width, x0, y0, badBits, weighted, ws.Scratch);
            }
            else if (cache.IsSeparable)
            {
                s = StampKernels.Sums(cache.Separable(x - cx, y - cy), size, exposure.Image, exposure.Variance, exposure.Mask, exposure.Width, x0, y0, badBits, weighted, ws.Scratch);
            }
            else
            {
                s = StampKernels.Sums(cache.Full(x - cx, y - cy), size, exposure.Image, exposure.Variance, exposure.Mask, exposure.Width, x0, y0, badBits, weighted, ws.Scratch);
            }

            ws.OnImage = size * size;
        }
        else
        {
            flags = Gather(exposure, cx, cy, h, ws);
            stamp = Stamp(psf, cache, h, x, y, ws);
            s = PsfFitKernels.Sums(stamp, ws.Data, ws.Variance, ws.InverseVariance, ws.Good);
        }

        if (s.Good < ws.OnImage)
        {
            flags |= ForcedPhotFlags.MaskedPixels;
        }

        double flux, err;
        if (weighted)
        {
            if (!(s.PsfPsfWeighted > 0))
            {
                return Unmeasured(x, y, flags | ForcedPhotFlags.NoGoodPixels);
            }

            flux = s.PsfDataWeighted / s.PsfPsfWeighted;
            err = Math.Sqrt(1.0 / s.PsfPsfWeighted);
        }
        else
        {
            if (!(s.PsfPsf > 0))
            {
                return Unmeasured(x, y, flags | ForcedPhotFlags.NoGoodPixels);
            }

            flux = s.PsfData / s.PsfPsf;
            err = Math.Sqrt(s.PsfPsfVariance) / s.PsfPsf;
        }

        var chi2 = inside
            ? StampKernels.Chi2(ws.Scratch, size, (float)flux)
            : PsfFitKernels.Chi2(stamp, ws.Data, ws.InverseVariance, (float)flux);
        return Result(x, y, flux, err, chi2, (int)s.Good, flags, calib);
    }

    private ForcedMeasurement Result(double x, double y, double flux, double err, double chi2, int good, ForcedPhotFlags flags, PhotoCalib calib)
    {
        err *= Options.ErrorScale;
        return new ForcedMeasurement(x, y, flux, err, calib.ToNanojansky(flux), calib.ToNanojansky(err), chi2, good, flags);
    }

    private static ForcedMeasurement Unmeasured(double x, double y, ForcedPhotFlags flags) =>
        new(x, y, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, flags);

    private static ReadOnlySpan<float> Stamp(Psf psf, PsfStampCache? cache, int h, double x, double y, Workspace ws)
    {
        if (cache is not null)
        {
            return cache.Get(x - Psf.StampCentre(x), y - Psf.StampCentre(y), ws.Psf);
        }

        psf.ComputeStamp(x, y, h, ws.Psf);
        return ws.Psf;
    }

    /// <summary>Copies the stamp's pixels into the workspace and cleans them; returns the edge flag.</summary>
    private ForcedPhotFlags Gather(Exposure exposure, int cx, int cy, int h, Workspace ws)
    {
        var size = (2 * h) + 1;
        var width = exposure.Width;
        var flags = ForcedPhotFlags.None;
        var onImage = 0;
        for (var j = 0; j < size; j++)
        {
            var yy = cy - h + j;
            var offset = j * size;
            var x0 = cx - h;
            var lo = Math.Max(0, -x0);
            var hi = Math.Min(size, width - x0);
            if (yy < 0 || yy >= exposure.Height || hi <= lo)
            {
                ws.RawData.AsSpan(offset, size).Clear();
                ws.RawVariance.AsSpan(offset, size).Clear();
                ws.RawMask.AsSpan(offset, size).Fill(OffImageBit);
                flags = ForcedPhotFlags.Edge;
                continue;
            }

            if (lo > 0 || hi < size)
            {
                flags = ForcedPhotFlags.Edge;
                ws.RawData.AsSpan(offset, size).Clear();
                ws.RawVariance.AsSpan(offset, size).Clear();
                ws.RawMask.AsSpan(offset, size).Fill(OffImageBit);
            }

            var src = (yy * width) + x0 + lo;
            var n = hi - lo;
            exposure.Image.AsSpan(src, n).CopyTo(ws.RawData.AsSpan(offset + lo, n));
            exposure.Variance.AsSpan(src, n).CopyTo(ws.RawVariance.AsSpan(offset + lo, n));
            exposure.Mask.AsSpan(src, n).CopyTo(ws.RawMask.AsSpan(offset + lo, n));
            onImage += n;
        }

        ws.OnImage = onImage;
        PsfFitKernels.Clean(ws.RawData, ws.RawVariance, ws.RawMask, (int)Options.BadMask | OffImageBit, ws.Data, ws.Variance, ws.InverseVariance, ws.Good);
        return flags;
    }

    private void FitGroup(Exposure exposure, Psf psf, PsfStampCache? cache, int h, double[] xs, double[] ys, int[] group, ForcedMeasurement[] results, PhotoCalib calib)
    {
        var members = OnImageMembers(exposure, xs, ys, group, results);
        if (members.Count == 0)
        {
            return;
        }

        var stamps = GatherGroup(exposure, psf, cache, h, xs, ys, members);
        var weighted = Options.Estimator == FluxEstimator.Weighted;
        var (matrix, noise, rhs) = GroupNormalEquations(stamps, weighted);
        var n = stamps.Count;
        var inverse = SymmetricInverse(matrix, n);
        for (var a = 0; a < n; a++)
        {
            if (inverse is null || !(matrix[a, a] > 0))
            {
                var i = members[a];
                results[i] = Unmeasured(xs[i], ys[i], stamps.Flags[a] | ForcedPhotFlags.NoGoodPixels);
            }
        }

        if (inverse is null)
        {
            return;
        }

        var flux = new double[n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                flux[a] += inverse[a, b] * rhs[b];
            }
        }

        var model = new float[stamps.Size * stamps.Size];
        for (var a = 0; a < n; a++)
        {
            var i = members[a];
            var variance = weighted ? inverse[a, a] : SandwichVariance(inverse, noise, a, n);
            var chi2 = GroupChi2(stamps, flux, a, model);
            results[i] = Result(xs[i], ys[i], flux[a], Math.Sqrt(Math.Max(variance, 0)), chi2, stamps.Good[a], stamps.Flags[a], calib);
        }
    }

    /// <summary>The group's members on the image; those off it are reported as such and left out of the joint fit.</summary>
    private static List<int> OnImageMembers(Exposure exposure, double[] xs, double[] ys, int[] group, ForcedMeasurement[] results)
    {
        var members = new List<int>();
        foreach (var i in group)
        {
            if (exposure.Contains(xs[i], ys[i]))
            {
                members.Add(i);
            }
            else
            {
                results[i] = Unmeasured(xs[i], ys[i], ForcedPhotFlags.OffImage | ForcedPhotFlags.BlendedFit);
            }
        }

        return members;
    }

    /// <summary>Each member's cleaned stamp and PSF model, in per-thread workspaces reused across groups.</summary>
    private GroupStamps GatherGroup(Exposure exposure, Psf psf, PsfStampCache? cache, int h, double[] xs, double[] ys, List<int> members)
    {
        // Dense fields have tens of thousands of blended members, and a fresh set of stamp buffers for each (12 kB) made
        // the time per call grow faster than the number of targets.
        var pool = t_groupWorkspaces is { } cached && cached.HalfWidth == h ? cached : (t_groupWorkspaces = new WorkspacePool(h));
        var stamps = new GroupStamps(members, pool.Get(members.Count), (2 * h) + 1);
        for (var a = 0; a < stamps.Count; a++)
        {
            var i = members[a];
            var ws = stamps.Workspaces[a];
            stamps.Cxs[a] = Psf.StampCentre(xs[i]);
            stamps.Cys[a] = Psf.StampCentre(ys[i]);
            stamps.Flags[a] = Gather(exposure, stamps.Cxs[a], stamps.Cys[a], h, ws) | ForcedPhotFlags.BlendedFit;
            Stamp(psf, cache, h, xs[i], ys[i], ws).CopyTo(ws.Model);
            stamps.Psfs[a] = ws.Model;
        }

        return stamps;
    }

    /// <summary>
    /// The normal equations over the union of stamps: A[a,b] = sum over the overlap of P_a P_b w, rhs[a] = sum P_a D w,
    /// with w = 1/V (weighted) or the good mask (unweighted); for the unweighted errors also B[a,b] = sum P_a P_b V.
    /// Records each member's good-pixel count and masked-pixel flag on the way.
    /// </summary>
    private static (double[,] Matrix, double[,] Noise, double[] Rhs) GroupNormalEquations(GroupStamps stamps, bool weighted)
    {
        // The arrays in locals: the pair scan below reads them for every pair of members.
        var (n, size, psfs, cxs, cys) = (stamps.Count, stamps.Size, stamps.Psfs, stamps.Cxs, stamps.Cys);
        var matrix = new double[n, n];
        var noise = new double[n, n];
        var rhs = new double[n];
        for (var a = 0; a < n; a++)
        {
            var wa = stamps.Workspaces[a];
            var s = PsfFitKernels.Sums(psfs[a], wa.Data, wa.Variance, wa.InverseVariance, wa.Good);
            rhs[a] = weighted ? s.PsfDataWeighted : s.PsfData;
            matrix[a, a] = weighted ? s.PsfPsfWeighted : s.PsfPsf;
            noise[a, a] = s.PsfPsfVariance;
            stamps.Good[a] = (int)s.Good;
            if (s.Good < wa.OnImage)
            {
                stamps.Flags[a] |= ForcedPhotFlags.MaskedPixels;
            }

            for (var b = a + 1; b < n; b++)
            {
                var dx = cxs[b] - cxs[a];
                var dy = cys[b] - cys[a];
                if (Math.Abs(dx) >= size || Math.Abs(dy) >= size)
                {
                    continue;
                }

                double m = 0, v = 0;
                var (i0, i1) = (Math.Max(0, dx), Math.Min(size, size + dx));
                for (var j = Math.Max(0, dy); j < Math.Min(size, size + dy); j++)
                {
                    var ka = (j * size) + i0;
                    var kb = ((j - dy) * size) + i0 - dx;
                    var (pm, pv) = OverlapRow(psfs[a].AsSpan(ka, i1 - i0), psfs[b].AsSpan(kb, i1 - i0),
                        (weighted ? wa.InverseVariance : wa.Good).AsSpan(ka, i1 - i0), wa.Variance.AsSpan(ka, i1 - i0));
                    m += pm;
                    v += pv;
                }

                matrix[a, b] = matrix[b, a] = m;
                noise[a, b] = noise[b, a] = v;
            }
        }

        return (matrix, noise, rhs);
    }

    /// <summary>Cov = A^-1 B A^-1 (the sandwich), the variance of member <paramref name="a"/> for the unweighted estimator.</summary>
    private static double SandwichVariance(double[,] inverse, double[,] noise, int a, int n)
    {
        var variance = 0.0;
        for (var b = 0; b < n; b++)
        {
            for (var c = 0; c < n; c++)
            {
                variance += inverse[a, b] * noise[b, c] * inverse[c, a];
            }
        }

        return variance;
    }

    /// <summary>chi^2 over member <paramref name="a"/>'s stamp with every member's fitted model (built in <paramref name="model"/>).</summary>
    private static double GroupChi2(GroupStamps stamps, double[] flux, int a, float[] model)
    {
        // The arrays in locals: this runs for every member over every member.
        var (n, size, psfs, cxs, cys) = (stamps.Count, stamps.Size, stamps.Psfs, stamps.Cxs, stamps.Cys);
        Array.Clear(model);
        for (var b = 0; b < n; b++)
        {
            var dx = cxs[b] - cxs[a];
            var dy = cys[b] - cys[a];
            if (Math.Abs(dx) >= size || Math.Abs(dy) >= size)
            {
                continue;
            }

            var (k0, k1) = (Math.Max(0, dx), Math.Min(size, size + dx));
            for (var j = Math.Max(0, dy); j < Math.Min(size, size + dy); j++)
            {
                PixelMath.AddScaled(psfs[b].AsSpan(((j - dy) * size) + k0 - dx, k1 - k0), (float)flux[b], model.AsSpan((j * size) + k0, k1 - k0));
            }
        }

        var wa = stamps.Workspaces[a];
        return PsfFitKernels.Chi2(model, wa.Data, wa.InverseVariance, 1f);
    }

    /// <summary>sum a b w and sum a b v over one row of two stamps' overlap.</summary>
    private static (double AbW, double AbV) OverlapRow(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> w, ReadOnlySpan<float> v)
    {
        var k = 0;
        double sw = 0, sv = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<float>.Count)
        {
            Vector256<float> accW = default, accV = default;
            for (; k <= a.Length - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                var ab = Vector256.Create(a.Slice(k, Vector256<float>.Count)) * Vector256.Create(b.Slice(k, Vector256<float>.Count));
                accW += ab * Vector256.Create(w.Slice(k, Vector256<float>.Count));
                accV += ab * Vector256.Create(v.Slice(k, Vector256<float>.Count));
            }

            sw = Vector256.Sum(Vector256.WidenLower(accW)) + Vector256.Sum(Vector256.WidenUpper(accW));
            sv = Vector256.Sum(Vector256.WidenLower(accV)) + Vector256.Sum(Vector256.WidenUpper(accV));
        }

        for (; k < a.Length; k++)
        {
            var ab = (double)a[k] * b[k];
            sw += ab * w[k];
            sv += ab * v[k];
        }

        return (sw, sv);
    }

    /// <summary>Inverts a symmetric positive-definite matrix by Cholesky; null when it is singular.</summary>
    private static double[,]? SymmetricInverse(double[,] a, int n)
    {
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    if (!(s > 1e-12 * Math.Abs(a[i, i])) || !(s > 0))
                    {
                        return null;
                    }

                    l[i, i] = Math.Sqrt(s);
                }
                else
                {
                    l[i, j] = s / l[j, j];
                }
            }
        }

        var inverse = new double[n, n];
        var column = new double[n];
        for (var c = 0; c < n; c++)
        {
            // Solve L L^T x = e_c.
            for (var i = 0; i < n; i++)
            {
                var s = i == c ? 1.0 : 0.0;
                for (var k = 0; k < i; k++)
                {
                    s -= l[i, k] * column[k];
                }

                column[i] = s / l[i, i];
            }

            for (var i = n - 1; i >= 0; i--)
            {
                var s = column[i];
                for (var k = i + 1; k < n; k++)
                {
                    s -= l[k, i] * inverse[k, c];
                }

                inverse[i, c] = s / l[i, i];
            }
        }

        return inverse;
    }

    [ThreadStatic]
    private static WorkspacePool? t_groupWorkspaces;

    /// <summary>The on-image members of one blend group: workspaces, PSF models, stamp centres, flags and good-pixel counts, by member.</summary>
    private sealed class GroupStamps(List<int> members, Workspace[] workspaces, int size)
    {
        public List<int> Members { get; } = members;

        public int Count => Members.Count;

        public Workspace[] Workspaces { get; } = workspaces;

        /// <summary>Stamp width and height, pixels.</summary>
        public int Size { get; } = size;

        public float[][] Psfs { get; } = new float[members.Count][];

        public int[] Cxs { get; } = new int[members.Count];

        public int[] Cys { get; } = new int[members.Count];

        public ForcedPhotFlags[] Flags { get; } = new ForcedPhotFlags[members.Count];

        public int[] Good { get; } = new int[members.Count];
    }

    /// <summary>A growing set of workspaces of one stamp size, owned by one thread.</summary>
    private sealed class WorkspacePool(int halfWidth)
    {
        private readonly List<Workspace> _items = [];

        public int HalfWidth { get; } = halfWidth;

        public Workspace[] Get(int count)
        {
            while (_items.Count < count)
            {
                _items.Add(new Workspace(HalfWidth));
            }

            return [.. _items.Take(count)];
        }
    }

    /// <summary>Per-thread buffers for one stamp.</summary>
    internal sealed class Workspace
    {
        public Workspace(int halfWidth)
        {
            var n = ((2 * halfWidth) + 1) * ((2 * halfWidth) + 1);
            RawData = new float[n];
            RawVariance = new float[n];
            RawMask = new int[n];
            Data = new float[n];
            Variance = new float[n];
            InverseVariance = new float[n];
            Good = new float[n];
            Psf = new float[n];
            Model = new float[n];
            Scratch = new StampScratch((2 * halfWidth) + 1);
        }

        /// <summary>What the fused kernel leaves for chi^2.</summary>
        public StampScratch Scratch { get; }

        /// <summary>A copy of the stamp's PSF that outlives the next stamp computation (joint fits).</summary>
        public float[] Model { get; }

        public float[] RawData { get; }

        public float[] RawVariance { get; }

        public int[] RawMask { get; }

        public float[] Data { get; }

        public float[] Variance { get; }

        public float[] InverseVariance { get; }

        public float[] Good { get; }

        public float[] Psf { get; }

        public int OnImage { get; set; }
    }
}
