using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Apdb.Frontend.Calibration;
using Apdb.Frontend.Convolution;
using Apdb.Imaging;

namespace Apdb.Frontend.Subtraction;

/// <summary>
/// Alard-Lupton PSF matching: the template (or, when the science PSF is clearly the sharper, the science: see
/// <see cref="ShouldConvolveScience"/>) is convolved with a kernel K(x, y) = sum_k a_k(x, y) B_k (28 separable basis
/// kernels, coefficients linear in x and y) and a quadratic background is added, fitted by weighted least squares on
/// stamps around isolated stars (S/N 10-500, at most <see cref="StampsPerCell"/> per 128-pixel cell); the spatial
/// terms are evaluated at each stamp's centre in the fit, and the convolved image's noise is taken out of the normal
/// equations (<see cref="CorrectNoiseBias"/>). Stamps whose chi^2 per pixel is more than 3 robust sigma above the
/// median are clipped and the fit repeated (3 rounds). Subtraction convolves the whole image one output row at a
/// time: per Gaussian, one column pass per y power, then one row pass per y power with the x profiles combined by their
/// coefficients (linearity) and the spatial terms folded in, so the 28-kernel, spatially varying convolution costs 12
/// column passes and 12 row passes of two accumulations each (the delta function's are one tap).
/// </summary>
public sealed class AlardLuptonMatcher
{
    /// <summary>The basis.</summary>
    public AlardLuptonBasis Basis { get; init; } = AlardLuptonBasis.Default;

    /// <summary>Stamp half-size, pixels.</summary>
    public int StampHalfSize { get; init; } = 12;

    /// <summary>
    /// Subtract the convolved image's expected noise from the normal matrix and solve only in the directions the data
    /// constrain above it (see <see cref="SolveAboveNoise"/>); false solves the raw normal equations (kept for comparison).
    /// </summary>
    public bool CorrectNoiseBias { get; init; } = true;

    /// <summary>Stamps kept per 128-pixel cell.</summary>
    public int StampsPerCell { get; init; } = 2;

    /// <summary>
    /// Rubin's "auto" mode (ip_diffim <c>AlardLuptonSubtractTask</c>): convolve the template unless the science PSF is
    /// the narrower one, then convolve the science, so the kernel is a broadening rather than a deconvolution. The
    /// threshold here is not Rubin's equal-FWHM point but a deconvolution wider than the basis's narrowest Gaussian:
    /// sigma_template^2 - sigma_science^2 &gt; sigma_min^2 (0.7 px). Below it the template-side kernel is the delta
    /// function plus a small correction, which the basis represents and the deep template determines well; convolving
    /// the science there fits a kernel of sigma &lt; 0.7 px from the noisier image, whose noise (errors in the variables)
    /// drags the fit to a broad Wiener-like smoothing (demo z band, 0.62" against 0.65": 253 unmatched DiaSources
    /// against 4-7). Gaussian PSFs are assumed for the widths (FWHM / 2.3548).
    /// </summary>
    public bool ShouldConvolveScience(Psf science, Psf? template)
    {
        ArgumentNullException.ThrowIfNull(science);
        if (template is null)
        {
            return false;
        }

        var ss = science.FwhmPixels / GaussianPsf.FwhmPerSigma;
        var st = template.FwhmPixels / GaussianPsf.FwhmPerSigma;
        var min = Basis.NarrowestSigma;
        return (st * st) - (ss * ss) > min * min;
    }

    /// <summary>
    /// Fits the matching kernel from stamp centres (star positions on the science image): K * template + background
    /// ~ science, or with <paramref name="convolveScience"/> K * science + background ~ template.
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than 3 usable stamps.</exception>
    public AlardLuptonSolution Fit(Exposure science, Exposure template, IReadOnlyList<(double X, double Y, double Snr)> stars, bool convolveScience = false)
    {
        ArgumentNullException.ThrowIfNull(science);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(stars);
        return convolveScience ? FitCore(template, science, stars, true) : FitCore(science, template, stars, false);
    }

    /// <summary>
    /// <see cref="Fit(Exposure, Exposure, IReadOnlyList{ValueTuple{double, double, double}}, bool)"/> without the stamps
    /// that hold a known variable (pixel positions, e.g. the preloaded DiaObjects): a stamp star that changed since the
    /// template pulls the kernel sum by its change, and a field rich in variables biases every DIA flux. A star is left
    /// out when a variable lies inside its stamp.
    /// </summary>
    public AlardLuptonSolution Fit(Exposure science, Exposure template, IReadOnlyList<(double X, double Y, double Snr)> stars,
        IReadOnlyList<(double X, double Y)> knownVariables, bool convolveScience = false)
    {
        ArgumentNullException.ThrowIfNull(stars);
        ArgumentNullException.ThrowIfNull(knownVariables);
        return Fit(science, template, WithoutVariables(stars, knownVariables, StampHalfSize), convolveScience);
    }

    /// <summary>The stars with no known variable within <paramref name="half"/> pixels in x and y (a grid lookup).</summary>
    internal static List<(double X, double Y, double Snr)> WithoutVariables(IReadOnlyList<(double X, double Y, double Snr)> stars, IReadOnlyList<(double X, double Y)> variables, int half)
    {
        var cell = Math.Max(half, 1);
        var grid = new Dictionary<(int, int), List<(double X, double Y)>>();
        foreach (var v in variables.Where(v => double.IsFinite(v.X) && double.IsFinite(v.Y)))
        {
            var key = ((int)Math.Floor(v.X / cell), (int)Math.Floor(v.Y / cell));
            if (!grid.TryGetValue(key, out var list))
            {
                grid[key] = list = [];
            }

            list.Add(v);
        }

        bool Near(double x, double y)
        {
            var cx = (int)Math.Floor(x / cell);
            var cy = (int)Math.Floor(y / cell);
            for (var dy = -1; dy <= 1; dy++)
            {
                for (var dx = -1; dx <= 1; dx++)
                {
                    if (grid.TryGetValue((cx + dx, cy + dy), out var list) && list.Exists(v => Math.Abs(v.X - x) <= half && Math.Abs(v.Y - y) <= half))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        return [.. stars.Where(s => !Near(s.X, s.Y))];
    }

    /// <summary>Fits K * <paramref name="template"/> + background ~ <paramref name="science"/> (the roles as named for the default mode).</summary>
    private AlardLuptonSolution FitCore(Exposure science, Exposure template, IReadOnlyList<(double X, double Y, double Snr)> stars, bool convolvesScience)
    {
        var chosen = ChooseStamps(science, template, stars);
        if (chosen.Count < 3)
        {
            throw new InvalidOperationException($"only {chosen.Count} clean isolated stars (S/N 10-500) for PSF matching");
        }

        var nk = Basis.Kernels.Count;
        var stamps = new StampSums[chosen.Count];
        Parallel.For(0, chosen.Count, s => stamps[s] = StampNormalEquations(science, template, chosen[s].X, chosen[s].Y, nk + 1));
        // The convolved image's own noise enters the design: E[B_k*n . B_l*n] = V sum_t B_k(t) B_l(t) per pixel, an
        // additive bias of the normal matrix (errors in the variables) that pulls the kernel towards a smoothing, away
        // from the near-delta kernel of near-equal PSFs: with the 4x deeper demo template it still left a kernel sum of
        // 1.010 and +/-0.3% rings around bright stars (0.62" science, 0.65" template); subtract its expectation.
        var overlap = BasisOverlap();
        var shape = new FitShape(chosen.Count >= 10 ? 1 : 0, chosen.Count >= 10 ? 2 : 0, science.Width, science.Height, convolvesScience);
        var active = Enumerable.Repeat(true, chosen.Count).ToArray();
        AlardLuptonSolution? solution = null;
        for (var round = 0; round < 4; round++)
        {
            var (m, bias, b) = NormalEquations(chosen, stamps, active, overlap, shape);
            solution = Solution(CorrectNoiseBias ? SolveAboveNoise(m, bias, b) : SolveRaw(m, bias, b), shape, active.Count(a => a), chosen.Count);
            if (!Clip(solution, chosen, stamps, active) || round == 3)
            {
                break;
            }
        }

        return solution!;
    }

    /// <summary>Stamps: isolated, clean, in S/N 10-500, the best <see cref="StampsPerCell"/> per 128-pixel cell.</summary>
    private List<(int X, int Y)> ChooseStamps(Exposure science, Exposure template, IReadOnlyList<(double X, double Y, double Snr)> stars)
    {
        var w = science.Width;
        var h = science.Height;
        var hs = StampHalfSize;
        var hk = Basis.HalfWidth;
        var reach = hs + hk + 1;
        var unusable = (int)MaskPlanes.Unusable;
        var candidates = stars.Where(s => s.Snr is >= 10 and <= 500 && s.X >= reach && s.Y >= reach && s.X < w - reach && s.Y < h - reach).ToList();
        // Neighbours within hs + 2 in x and y, looked up on a grid of that cell size (the 3 x 3 cells around a star hold them all).
        var near = hs + 2;
        var grid = new Dictionary<(long, long), List<(double X, double Y, double Snr)>>();
        foreach (var o in stars)
        {
            var key = ((long)Math.Floor(o.X / near), (long)Math.Floor(o.Y / near));
            if (!grid.TryGetValue(key, out var list))
            {
                grid[key] = list = [];
            }

            list.Add(o);
        }

        bool Isolated((double X, double Y, double Snr) s)
        {
            var cx = (long)Math.Floor(s.X / near);
            var cy = (long)Math.Floor(s.Y / near);
            for (var dy = -1; dy <= 1; dy++)
            {
                for (var dx = -1; dx <= 1; dx++)
                {
                    if (grid.TryGetValue((cx + dx, cy + dy), out var list) && list.Exists(o => o != s && Math.Abs(o.X - s.X) < near && Math.Abs(o.Y - s.Y) < near))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        var chosen = new List<(int X, int Y)>();
        foreach (var cell in candidates.GroupBy(s => ((int)s.X / 128, (int)s.Y / 128)))
        {
            var taken = 0;
            foreach (var s in cell.OrderByDescending(s => s.Snr))
            {
                if (taken >= StampsPerCell)
                {
                    break;
                }

                var isolated = Isolated(s);
                var cx = (int)Math.Round(s.X);
                var cy = (int)Math.Round(s.Y);
                if (isolated && Clean(science.Mask, w, cx, cy, hs, unusable) && Clean(template.Mask, w, cx, cy, hs + hk, unusable))
                {
                    chosen.Add((cx, cy));
                    taken++;
                }
            }
        }

        return chosen;
    }

    /// <summary>
    /// The full design's normal equations over the active stamps (each stamp's basic sums times its spatial and
    /// background terms), the noise bias already taken out of the matrix and returned beside it (lower triangles).
    /// </summary>
    private (double[,] M, double[,] Bias, double[] B) NormalEquations(List<(int X, int Y)> chosen, StampSums[] stamps, bool[] active, double[] overlap, FitShape shape)
    {
        var nk = Basis.Kernels.Count;
        var nBasic = nk + 1;
        var n = shape.Unknowns(nk);
        var m = new double[n, n];
        var bias = new double[n, n];
        var b = new double[n];
        var probe = shape.Probe(Basis, nk);
        for (var s = 0; s < stamps.Length; s++)
        {
            if (!active[s])
            {
                continue;
            }

            var terms = Terms(probe, chosen[s].X, chosen[s].Y, nk, shape.NSpatial, shape.NBackground);
            var st = stamps[s];
            // Column c of the full design at this stamp = terms[c] * basic column basicOf[c].
            for (var c1 = 0; c1 < n; c1++)
            {
                var (f1, k1) = terms[c1];
                b[c1] += f1 * st.Vector[k1];
                for (var c2 = 0; c2 <= c1; c2++)
                {
                    var (f2, k2) = terms[c2];
                    var noise = k1 < nk && k2 < nk ? f1 * f2 * st.NoiseWeight * overlap[(k1 * nk) + k2] : 0;
                    m[c1, c2] += (f1 * f2 * st.Matrix[(k1 * nBasic) + k2]) - noise;
                    bias[c1, c2] += noise;
                }
            }
        }

        return (m, bias, b);
    }

    /// <summary>The raw normal equations (the noise bias added back), solved directly.</summary>
    private static double[] SolveRaw(double[,] m, double[,] bias, double[] b)
    {
        var n = b.Length;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                m[i, j] += bias[i, j];
                m[j, i] = m[i, j];
            }
        }

        return LeastSquares.SolveSymmetric(m, b);
    }

    private AlardLuptonSolution Solution(double[] x, FitShape shape, int used, int offered)
    {
        var nk = Basis.Kernels.Count;
        var kc = new double[nk, 3];
        for (var k = 0; k < nk; k++)
        {
            for (var s = 0; s < shape.NSpatial; s++)
            {
                kc[k, s] = x[(k * shape.NSpatial) + s];
            }
        }

        return new AlardLuptonSolution
        {
            Basis = Basis, KernelCoefficients = kc, BackgroundCoefficients = x[(nk * shape.NSpatial)..],
            SpatialOrder = shape.SpatialOrder, BackgroundOrder = shape.BackgroundOrder, StampsUsed = used, StampsOffered = offered,
            Width = shape.Width, Height = shape.Height, ConvolvesScience = shape.ConvolvesScience,
        };
    }

    /// <summary>
    /// Clips active stamps whose chi^2 per pixel is more than 3 robust sigma above the median (keeping at least 3);
    /// returns whether any was clipped.
    /// </summary>
    private bool Clip(AlardLuptonSolution solution, List<(int X, int Y)> chosen, StampSums[] stamps, bool[] active)
    {
        var nk = Basis.Kernels.Count;
        var nBasic = nk + 1;
        var chi = new double[stamps.Length];
        for (var s = 0; s < stamps.Length; s++)
        {
            var alpha = new double[nBasic];
            for (var k = 0; k < nk; k++)
            {
                alpha[k] = solution.Coefficient(k, chosen[s].X, chosen[s].Y);
            }

            alpha[nk] = solution.Background(chosen[s].X, chosen[s].Y);
            var st = stamps[s];
            var chi2 = st.DataSquared;
            for (var i = 0; i < nBasic; i++)
            {
                chi2 -= 2 * alpha[i] * st.Vector[i];
                for (var j = 0; j < nBasic; j++)
                {
                    chi2 += alpha[i] * alpha[j] * st.Matrix[(i * nBasic) + j];
                }
            }

            chi[s] = chi2 / st.Pixels;
        }

        var kept = chi.Where((_, s) => active[s]).Order().ToArray();
        var median = kept[kept.Length / 2];
        var mad = 1.4826 * kept.Select(c => Math.Abs(c - median)).Order().ElementAt(kept.Length / 2);
        var limit = median + (3 * Math.Max(mad, 0.05 * median));
        var used = solution.StampsUsed;
        var changed = false;
        for (var s = 0; s < stamps.Length; s++)
        {
            if (active[s] && !(chi[s] <= limit) && used > 3)
            {
                active[s] = false;
                changed = true;
                used--;
            }
        }

        return changed;
    }

    /// <summary>
    /// The difference in science units. Default mode: science - K * template - background, with variance
    /// V_S + V_T sum(K^2) (the template variance is smooth on the kernel's scale), the science's PSF and mask, and
    /// template NO_DATA within the kernel's reach made NO_DATA. When the solution convolves the science:
    /// (K * science + background - template) / sum(K), so a change keeps its science flux, with variance
    /// (V_S sum(K^2) + V_T) / sum(K)^2, the template's PSF, the science mask spread over the kernel's core, and NO_DATA
    /// within the kernel's reach of the image border and of non-finite science pixels.
    /// </summary>
    public Exposure Subtract(Exposure science, Exposure template, AlardLuptonSolution solution)
    {
        ArgumentNullException.ThrowIfNull(science);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(solution);
        var w = science.Width;
        var h = science.Height;
        var convolveScience = solution.ConvolvesScience;
        if (convolveScience && template.Psf is null)
        {
            throw new InvalidOperationException("convolving the science needs the template's PSF for the difference");
        }

        var unusable = (int)MaskPlanes.Unusable;
        var (clean, bad, anyBad) = ConvolutionInput(science, template, convolveScience);
        var hk = Basis.HalfWidth;
        // Nothing to spread when every input pixel is usable (the usual full-coverage template).
        var reachBad = anyBad ? Dilate(bad, w, h, hk) : null;
        var model = Convolve(clean, w, h, solution);
        var (k2, k1, gx, gy) = KernelSumGrid(solution, w, h);

        // The convolved science's mask: a flagged pixel's value reaches as far as the kernel's core (its rms radius,
        // twice over), not its full support, whose far wings carry a negligible fraction of it.
        var spread = convolveScience ? MaskSpread(solution, w, h) : 0;
        var scienceMask = spread > 0 ? DilateBits(science.Mask, w, h, spread) : science.Mask;
        // Every pixel of the three planes is written below.
        var image = ScratchPlanes<float>.Rent(w * h);
        var variance = ScratchPlanes<float>.Rent(w * h);
        var mask = ScratchPlanes<int>.Rent(w * h);
        var noData = (int)MaskPlane.NoData;
        var keep = ~(int)(MaskPlane.Detected | MaskPlane.DetectedNegative);
        var uScale = 2.0 / Math.Max(w - 1, 1);
        Parallel.For(0, h, () => new RowTerms(w), (y, _, row) =>
        {
            // This row's sum(K^2), sum(K) and background, then the pixels.
            var j = Math.Min(y / KernelGridStep, gy - 2);
            var ty = (y - (j * KernelGridStep)) / (double)KernelGridStep;
            var (b0, b1, b2) = solution.BackgroundAlongRow(y);
            for (var x = 0; x < w; x++)
            {
                var i = Math.Min(x / KernelGridStep, gx - 2);
                var tx = (x - (i * KernelGridStep)) / (double)KernelGridStep;
                row.SumSquared[x] = Bilinear(k2, gx, i, j, tx, ty);
                row.Sum[x] = convolveScience ? Bilinear(k1, gx, i, j, tx, ty) : 1;
                var u = (x * uScale) - 1;
                row.Background[x] = b0 + (u * (b1 + (u * b2)));
            }

            var border = y < hk || y >= h - hk;
            var first = y * w;
            var sImage = science.Image.AsSpan(first, w);
            var sVariance = science.Variance.AsSpan(first, w);
            var tImage = template.Image.AsSpan(first, w);
            var tVariance = template.Variance.AsSpan(first, w);
            var tMask = template.Mask.AsSpan(first, w);
            var sMask = scienceMask.AsSpan(first, w);
            var m = model.AsSpan(first, w);
            var outImage = image.AsSpan(first, w);
            var outVariance = variance.AsSpan(first, w);
            var outMask = mask.AsSpan(first, w);
            var reach = reachBad is null ? [] : reachBad.AsSpan(first, w);
            for (var x = 0; x < w; x++)
            {
                var s2 = row.SumSquared[x];
                var flags = sMask[x] & keep;
                var reached = reachBad is not null && reach[x];
                if (convolveScience)
                {
                    var s1 = row.Sum[x];
                    var templateBad = (tMask[x] & unusable) != 0 || !float.IsFinite(tImage[x]);
                    outImage[x] = (float)((m[x] + row.Background[x] - tImage[x]) / s1);
                    outVariance[x] = (float)(((sVariance[x] * s2) + tVariance[x]) / (s1 * s1));
                    flags |= reached || templateBad || border || x < hk || x >= w - hk ? noData : 0;
                }
                else
                {
                    outImage[x] = (float)(sImage[x] - m[x] - row.Background[x]);
                    outVariance[x] = sVariance[x] + (float)(tVariance[x] * s2);
                    flags |= reached ? noData : 0;
                }

                outMask[x] = flags;
                if ((flags & noData) != 0 && (reached || convolveScience))
                {
                    outImage[x] = float.NaN;
                }
            }

            return row;
        }, _ => { });
        ScratchPlanes<float>.Return(clean);
        ScratchPlanes<float>.Return(model);
        ScratchPlanes<bool>.Return(bad);
        ScratchPlanes<bool>.Return(reachBad);

        return new Exposure(w, h, image, variance, mask)
        {
            Wcs = science.Wcs, Psf = convolveScience ? template.Psf : science.Psf, PhotoCalib = science.PhotoCalib,
        };
    }

    /// <summary>The spacing of the grid on which sum(K^2) and sum(K) are evaluated and interpolated.</summary>
    private const int KernelGridStep = 256;

    /// <summary>
    /// The plane the kernel convolves (the science, or the template when the template is convolved), with unusable
    /// pixels zeroed and marked in the second plane; whether any was. Both planes are rented from <see cref="ScratchPlanes{T}"/>.
    /// </summary>
    private static (float[] Clean, bool[] Bad, bool AnyBad) ConvolutionInput(Exposure science, Exposure template, bool convolveScience)
    {
        var w = science.Width;
        var h = science.Height;
        var unusable = (int)MaskPlanes.Unusable;
        var clean = ScratchPlanes<float>.Rent(w * h);
        var bad = ScratchPlanes<bool>.Rent(w * h);
        var anyBad = 0;
        Parallel.For(0, h, y =>
        {
            var rowBad = false;
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                // Science pixels keep their values however they are flagged (cosmic rays and saturated cores stay in the
                // difference under their mask bits, as in the default mode); template pixels are used only if clean.
                var ok = convolveScience ? float.IsFinite(science.Image[k]) : (template.Mask[k] & unusable) == 0 && float.IsFinite(template.Image[k]);
                clean[k] = ok ? (convolveScience ? science.Image[k] : template.Image[k]) : 0f;
                bad[k] = !ok;
                rowBad |= !ok;
            }

            if (rowBad)
            {
                Volatile.Write(ref anyBad, 1);
            }
        });
        return (clean, bad, anyBad != 0);
    }

    /// <summary>
    /// sum(K^2) and sum(K) on a grid of <see cref="KernelGridStep"/> pixels (gx by gy nodes), for bilinear interpolation
    /// (sum(K) is linear in x and y, so exact).
    /// </summary>
    private static (double[] SumSquared, double[] Sum, int Gx, int Gy) KernelSumGrid(AlardLuptonSolution solution, int w, int h)
    {
        var gx = (w / KernelGridStep) + 2;
        var gy = (h / KernelGridStep) + 2;
        var k2 = new double[gx * gy];
        var k1 = new double[gx * gy];
        for (var j = 0; j < gy; j++)
        {
            for (var i = 0; i < gx; i++)
            {
                var kernel = solution.KernelImage(Math.Min(i * KernelGridStep, w - 1), Math.Min(j * KernelGridStep, h - 1));
                k2[(j * gx) + i] = kernel.Sum(v => v * v);
                k1[(j * gx) + i] = kernel.Sum();
            }
        }

        return (k2, k1, gx, gy);
    }

    /// <summary>
    /// K * input over the whole image (<see cref="SeparableSum"/>): per Gaussian, its y profiles are the column
    /// passes, each followed by one row pass whose x kernel combines that y power's x profiles by their coefficients
    /// (linearity); the coefficients' v term is folded into each output row's x kernel and the u term is a second
    /// accumulation weighted per column, so the spatially varying kernel costs 12 column and 24 row kernels.
    /// </summary>
    internal float[] Convolve(float[] clean, int w, int h, AlardLuptonSolution solution, int vectorBits = 512)
    {
        var spatial = solution.SpatialOrder == 1;
        var groups = new List<SeparableSum.ColumnGroup>();
        var terms = new List<SeparableSum.RowTerm>();
        var buffer = 0;
        for (var g = 0; g < Basis.Groups.Count; g++)
        {
            var group = Basis.Groups[g];
            groups.Add(new SeparableSum.ColumnGroup(group.HalfWidth, group.Profiles));
            for (var j = 0; j <= group.Degree; j++)
            {
                // Row kernel of y power j, per spatial term s: sum_i a[(g, i, j), s] f_i(x).
                var parts = new double[3][];
                for (var s = 0; s < 3; s++)
                {
                    parts[s] = new double[group.Profiles[0].Length];
                }

                for (var k = 0; k < Basis.Kernels.Count; k++)
                {
                    var (kg, i, kj) = Basis.Kernels[k];
                    if (kg != g || kj != j)
                    {
                        continue;
                    }

                    for (var s = 0; s < (spatial ? 3 : 1); s++)
                    {
                        var a = solution.KernelCoefficients[k, s];
                        for (var t = 0; t < parts[s].Length; t++)
                        {
                            parts[s][t] += a * group.Profiles[i][t];
                        }
                    }
                }

                float[] ToFloat(double[] v) => [.. v.Select(x => (float)x)];
                terms.Add(spatial
                    ? new SeparableSum.RowTerm(buffer + j, ToFloat(parts[0]), PerV: ToFloat(parts[2]), PerU: ToFloat(parts[1]))
                    : new SeparableSum.RowTerm(buffer + j, ToFloat(parts[0])));
            }

            buffer += group.Profiles.Length;
        }

        var model = ScratchPlanes<float>.Rent(w * h);
        // u = 2x / (w - 1) - 1 and v likewise, as AlardLuptonSolution.Scaled.
        new SeparableSum(groups, terms) { VectorBits = vectorBits }.Apply(clean, w, h, model, (-1, 2.0 / Math.Max(w - 1, 1), -1, 2.0 / Math.Max(h - 1, 1)));
        return model;
    }

    /// <summary>
    /// Robust sigma of difference / sqrt(variance) over usable pixels outside the science detections; multiplies the
    /// variance by its square and returns it (the correction for correlated and mis-propagated noise).
    /// </summary>
    public static double RescaleNoise(Exposure difference, int[] scienceMask)
    {
        ArgumentNullException.ThrowIfNull(difference);
        ArgumentNullException.ThrowIfNull(scienceMask);
        var sample = new float[(difference.Image.Length + 6) / 7];
        var count = 0;
        var avoid = (int)MaskPlanes.Unusable | (int)MaskPlane.Detected;
        for (var k = 0; k < difference.Image.Length; k += 7)
        {
            var v = difference.Variance[k];
            if ((difference.Mask[k] & (int)MaskPlanes.Unusable) == 0 && (scienceMask[k] & avoid) == 0 && v > 0 && float.IsFinite(difference.Image[k]))
            {
                sample[count++] = difference.Image[k] / MathF.Sqrt(v);
            }
        }

        if (count < 100)
        {
            return 1.0;
        }

        // The quartiles by selection (linear time; the same order statistics a full sort gives).
        var ratio = PixelMath.InterquartileRange(sample.AsSpan(0, count)) / 1.349;
        if (!(ratio > 0))
        {
            return 1.0;
        }

        var r2 = (float)(ratio * ratio);
        var variance = difference.Variance;
        var width = difference.Width;
        Parallel.For(0, difference.Height, y =>
        {
            foreach (ref var v in variance.AsSpan(y * width, width))
            {
                v *= r2;
            }
        });

        return ratio;
    }

    private static (double Factor, int Basic)[] Terms(AlardLuptonSolution probe, int x, int y, int nk, int nSpatial, int nBackground)
    {
        var (u, v) = probe.Scaled(x, y);
        ReadOnlySpan<double> spatial = [1, u, v];
        ReadOnlySpan<double> background = [1, u, v, u * u, u * v, v * v];
        var terms = new (double, int)[(nk * nSpatial) + nBackground];
        for (var k = 0; k < nk; k++)
        {
            for (var s = 0; s < nSpatial; s++)
            {
                terms[(k * nSpatial) + s] = (spatial[s], k);
            }
        }

        for (var b = 0; b < nBackground; b++)
        {
            terms[(nk * nSpatial) + b] = (background[b], nk);
        }

        return terms;
    }

    private StampSums StampNormalEquations(Exposure science, Exposure template, int cx, int cy, int nBasic)
    {
        var w = science.Width;
        var hs = StampHalfSize;
        var size = (2 * hs) + 1;
        var nk = Basis.Kernels.Count;
        var columns = new float[nk][];
        var k = 0;
        for (var g = 0; g < Basis.Groups.Count; g++)
        {
            var group = Basis.Groups[g];
            var gh = group.HalfWidth;
            var rowsIn = size + (2 * gh);
            var rowPass = new float[group.Degree + 1][];
            for (var i = 0; i <= group.Degree; i++)
            {
                // Row pass on template rows cy - hs - gh .. cy + hs + gh, output columns cx - hs .. cx + hs (correlation, as ConvolveLine).
                var p = new float[rowsIn * size];
                var f = group.Profiles[i];
                for (var r = 0; r < rowsIn; r++)
                {
                    var row = (cy - hs - gh + r) * w;
                    for (var c = 0; c < size; c++)
                    {
                        float s = 0;
                        var x0 = cx - hs + c - gh;
                        for (var t = 0; t < f.Length; t++)
                        {
                            s += f[t] * template.Image[row + x0 + t];
                        }

                        p[(r * size) + c] = s;
                    }
                }

                rowPass[i] = p;
            }

            foreach (var (kg, i, j) in Basis.Kernels)
            {
                if (kg != g)
                {
                    continue;
                }

                var f = group.Profiles[j];
                var column = new float[size * size];
                for (var r = 0; r < size; r++)
                {
                    for (var c = 0; c < size; c++)
                    {
                        float s = 0;
                        for (var t = 0; t < f.Length; t++)
                        {
                            s += f[t] * rowPass[i][((r + t) * size) + c];
                        }

                        column[(r * size) + c] = s;
                    }
                }

                columns[k++] = column;
            }
        }

        var matrix = new double[nBasic * nBasic];
        var vector = new double[nBasic];
        double dataSquared = 0;
        double noiseWeight = 0;
        var design = new double[nBasic];
        var pixels = 0;
        for (var r = 0; r < size; r++)
        {
            for (var c = 0; c < size; c++)
            {
                var idx = ((cy - hs + r) * w) + cx - hs + c;
                var variance = science.Variance[idx] + template.Variance[idx];
                if (!(variance > 0))
                {
                    continue;
                }

                var weight = 1.0 / variance;
                noiseWeight += weight * template.Variance[idx];
                for (var b = 0; b < nk; b++)
                {
                    design[b] = columns[b][(r * size) + c];
                }

                design[nk] = 1.0;
                var d = science.Image[idx];
                dataSquared += weight * d * d;
                for (var i = 0; i < nBasic; i++)
                {
                    var wi = weight * design[i];
                    vector[i] += wi * d;
                    for (var j = 0; j <= i; j++)
                    {
                        matrix[(i * nBasic) + j] += wi * design[j];
                    }
                }

                pixels++;
            }
        }

        for (var i = 0; i < nBasic; i++)
        {
            for (var j = i + 1; j < nBasic; j++)
            {
                matrix[(i * nBasic) + j] = matrix[(j * nBasic) + i];
            }
        }

        return new StampSums(matrix, vector, dataSquared, Math.Max(pixels, 1), noiseWeight);
    }

    private static double Bilinear(double[] grid, int gx, int i, int j, double tx, double ty) =>
        ((1 - ty) * (((1 - tx) * grid[(j * gx) + i]) + (tx * grid[(j * gx) + i + 1]))) + (ty * (((1 - tx) * grid[((j + 1) * gx) + i]) + (tx * grid[((j + 1) * gx) + i + 1])));

    /// <summary>Twice the kernel's rms radius at the image centre, rounded up: how far a flagged science pixel spreads.</summary>
    private static int MaskSpread(AlardLuptonSolution solution, int w, int h)
    {
        var kernel = solution.KernelImage(w / 2.0, h / 2.0);
        var size = (int)Math.Round(Math.Sqrt(kernel.Length));
        var half = size / 2;
        double sum = 0;
        double r2 = 0;
        for (var b = 0; b < size; b++)
        {
            for (var a = 0; a < size; a++)
            {
                var v = Math.Abs(kernel[(b * size) + a]);
                sum += v;
                r2 += v * (((a - half) * (a - half)) + ((b - half) * (b - half)));
            }
        }

        return sum > 0 ? Math.Clamp((int)Math.Ceiling(2 * Math.Sqrt(r2 / sum)), 1, half) : 1;
    }

    /// <summary>Each pixel's mask ORed over the (2r+1)^2 square around it.</summary>
    private static int[] DilateBits(int[] input, int w, int h, int r)
    {
        var tmp = new int[input.Length];
        var output = new int[input.Length];
        Parallel.For(0, h, y =>
        {
            var row = y * w;
            for (var x = 0; x < w; x++)
            {
                var m = 0;
                for (var t = Math.Max(0, x - r); t <= Math.Min(w - 1, x + r); t++)
                {
                    m |= input[row + t];
                }

                tmp[row + x] = m;
            }
        });
        Parallel.For(0, h, y =>
        {
            for (var x = 0; x < w; x++)
            {
                var m = 0;
                for (var t = Math.Max(0, y - r); t <= Math.Min(h - 1, y + r); t++)
                {
                    m |= tmp[(t * w) + x];
                }

                output[(y * w) + x] = m;
            }
        });
        return output;
    }

    private static bool Clean(int[] mask, int w, int cx, int cy, int half, int bits)
    {
        var h = mask.Length / w;
        for (var y = cy - half; y <= cy + half; y++)
        {
            if ((uint)y >= (uint)h)
            {
                return false;
            }

            for (var x = cx - half; x <= cx + half; x++)
            {
                if ((uint)x >= (uint)w || (mask[(y * w) + x] & bits) != 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool[] Dilate(bool[] input, int w, int h, int r)
    {
        var tmp = ScratchPlanes<bool>.Rent(input.Length);
        var output = ScratchPlanes<bool>.Rent(input.Length);
        DilateLines(input, tmp, h, w, w, 1, r);
        // Along y, row by row (contiguous): each output row is the OR of the rows within r of it.
        Parallel.For(0, h, y =>
        {
            var destination = MemoryMarshal.Cast<bool, byte>(output.AsSpan(y * w, w));
            var y0 = Math.Max(0, y - r);
            MemoryMarshal.Cast<bool, byte>(tmp.AsSpan(y0 * w, w)).CopyTo(destination);
            for (var t = y0 + 1; t <= Math.Min(h - 1, y + r); t++)
            {
                OrInto(MemoryMarshal.Cast<bool, byte>(tmp.AsSpan(t * w, w)), destination);
            }
        });
        ScratchPlanes<bool>.Return(tmp);
        return output;
    }

    /// <summary>destination |= source, byte by byte.</summary>
    private static void OrInto(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<byte>.Count <= source.Length; i += Vector256<byte>.Count)
            {
                (Vector256.Create(source[i..]) | Vector256.Create<byte>(destination[i..])).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] |= source[i];
        }
    }

    /// <summary>
    /// Square dilation by <paramref name="r"/> along one axis: each of <paramref name="lines"/> lines of
    /// <paramref name="length"/> pixels (pixel k of line m at m * lineStride + k * step) is set where a set input pixel
    /// lies within r of it. Lines run in parallel.
    /// </summary>
    private static void DilateLines(bool[] input, bool[] output, int lines, int length, int lineStride, int step, int r)
    {
        Parallel.For(0, lines, m =>
        {
            var start = m * lineStride;
            var last = int.MinValue / 2;
            for (var k = 0; k < length + r; k++)
            {
                if (k < length && input[start + (k * step)])
                {
                    last = k;
                }

                var target = k - r;
                if (target >= 0 && target < length)
                {
                    output[start + (target * step)] = k - last <= 2 * r;
                }
            }
        });
    }

    /// <summary>
    /// Solves the debiased normal equations M x = b in the eigenbasis of M, keeping only the directions whose signal
    /// (eigenvalue) exceeds the noise bias removed along them: the others are not constrained by the data above the
    /// convolved image's noise (degenerate combinations of the 27 Gaussians), and inverting them would only amplify noise.
    /// </summary>
    private static double[] SolveAboveNoise(double[,] m, double[,] bias, double[] b)
    {
        var n = b.Length;
        var (values, vectors) = SymmetricEigen.Decompose(m);
        var x = new double[n];
        for (var e = 0; e < n; e++)
        {
            double noise = 0;
            double projection = 0;
            for (var i = 0; i < n; i++)
            {
                projection += vectors[i, e] * b[i];
                for (var j = 0; j < n; j++)
                {
                    noise += vectors[i, e] * vectors[j, e] * (j <= i ? bias[i, j] : bias[j, i]);
                }
            }

            if (!(values[e] > noise) || !(values[e] > 1e-12 * Math.Abs(values.Max())))
            {
                continue;
            }

            var c = projection / values[e];
            for (var i = 0; i < n; i++)
            {
                x[i] += c * vectors[i, e];
            }
        }

        return x;
    }

    /// <summary>sum_t B_k(t) B_l(t) over the basis kernels, nk x nk row-major.</summary>
    private double[] BasisOverlap()
    {
        var nk = Basis.Kernels.Count;
        var h = Basis.HalfWidth;
        var size = (2 * h) + 1;
        var images = new double[nk][];
        for (var k = 0; k < nk; k++)
        {
            var (g, i, j) = Basis.Kernels[k];
            var group = Basis.Groups[g];
            var o = h - group.HalfWidth;
            var image = new double[size * size];
            for (var b = 0; b < group.Profiles[j].Length; b++)
            {
                for (var a = 0; a < group.Profiles[i].Length; a++)
                {
                    image[((b + o) * size) + a + o] = group.Profiles[i][a] * (double)group.Profiles[j][b];
                }
            }

            images[k] = image;
        }

        var overlap = new double[nk * nk];
        for (var k = 0; k < nk; k++)
        {
            for (var l = 0; l <= k; l++)
            {
                double s = 0;
                for (var t = 0; t < size * size; t++)
                {
                    s += images[k][t] * images[l][t];
                }

                overlap[(k * nk) + l] = overlap[(l * nk) + k] = s;
            }
        }

        return overlap;
    }

    /// <summary>One thread's per-row values of the subtraction: sum(K^2), sum(K) and the background along the row.</summary>
    private sealed class RowTerms(int width)
    {
        public double[] SumSquared { get; } = new double[width];

        public double[] Sum { get; } = new double[width];

        public double[] Background { get; } = new double[width];
    }

    /// <summary>The fit's dimensions: spatial order of the kernel (0 or 1), order of the background (0 or 2), the image size and the mode.</summary>
    private sealed record FitShape(int SpatialOrder, int BackgroundOrder, int Width, int Height, bool ConvolvesScience)
    {
        public int NSpatial => SpatialOrder == 1 ? 3 : 1;

        public int NBackground => BackgroundOrder == 2 ? 6 : 1;

        public int Unknowns(int nk) => (nk * NSpatial) + NBackground;

        /// <summary>An empty solution of this shape, for its coordinate scaling.</summary>
        public AlardLuptonSolution Probe(AlardLuptonBasis basis, int nk) => new()
        {
            Basis = basis, KernelCoefficients = new double[nk, 3], BackgroundCoefficients = new double[NBackground],
            SpatialOrder = SpatialOrder, BackgroundOrder = BackgroundOrder, StampsUsed = 0, StampsOffered = 0, Width = Width, Height = Height,
        };
    }

    /// <summary>A stamp's normal equations; <paramref name="NoiseWeight"/> = sum_p w_p V_convolved(p), the scale of the design's noise bias.</summary>
    private sealed record StampSums(double[] Matrix, double[] Vector, double DataSquared, int Pixels, double NoiseWeight);
}
