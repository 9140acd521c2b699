using Apdb.Frontend.Measurement;
using Apdb.Imaging;
using Apdb.Simulation.Rendering;
using Apdb.Sky;

namespace Apdb.Frontend.Calibration;

/// <summary>
/// Fits a TAN-SIP WCS to measured sources against a reference catalog: the offset between the initial WCS and the
/// sources is found by voting over source-reference pairs within <see cref="SearchRadiusPixels"/>; pairs within 2
/// then 1 pixel are fitted by least squares with a cubic polynomial from pixel offsets (about CRPIX) to gnomonic
/// coordinates about CRVAL, CRVAL is moved to the fitted zero point and the fit repeated with 3-sigma clipping. The
/// linear part becomes CD and the rest the SIP A/B terms. Pairs are weighted by the inverse centroid variance (plus a
/// 0.05-pixel floor); the reported RMS is unweighted and includes the centroid noise of faint stars. Below <see cref="MinMatchesForSip"/> pairs only the linear part
/// is fitted (TAN).
/// </summary>
internal sealed class AstrometricFitter
{
    /// <summary>Largest pointing error searched for, pixels.</summary>
    public double SearchRadiusPixels { get; init; } = 40;

    /// <summary>Pairs needed for the cubic (SIP) fit.</summary>
    public int MinMatchesForSip { get; init; } = 40;

    /// <summary>Fits the WCS.</summary>
    /// <exception cref="InvalidOperationException">Fewer than 6 matched stars.</exception>
    public AstrometricSolution Fit(TanWcs initial, IReadOnlyList<SourceMeasurement> sources, IReadOnlyList<ReferenceStar> reference)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(reference);
        const MeasurementFlags Bad = MeasurementFlags.Saturated | MeasurementFlags.Edge | MeasurementFlags.CenterMasked | MeasurementFlags.CentroidFailed | MeasurementFlags.Negative | MeasurementFlags.CosmicRay;
        var good = Enumerable.Range(0, sources.Count)
            .Where(i => (sources[i].Flags & Bad) == 0 && sources[i].Snr > 10 && double.IsFinite(sources[i].PsfFlux))
            .OrderByDescending(i => sources[i].PsfFlux).ToArray();

        // Vote for the offset with the brightest 300 of each side.
        var refXy = reference.Select(r => initial.SkyToPixel(SkyPosition.FromDegrees(r.RaDeg, r.DecDeg))).ToArray();
        var brightRefs = Enumerable.Range(0, reference.Count).OrderByDescending(i => reference[i].FluxNjy).Take(300).ToArray();
        var r0 = (int)Math.Ceiling(SearchRadiusPixels);
        var votes = new int[((2 * r0) + 1) * ((2 * r0) + 1)];
        foreach (var s in good.Take(300))
        {
            foreach (var r in brightRefs)
            {
                var dx = sources[s].X - refXy[r].X;
                var dy = sources[s].Y - refXy[r].Y;
                if (Math.Abs(dx) < r0 && Math.Abs(dy) < r0)
                {
                    votes[((int)Math.Round(dy) + r0) * ((2 * r0) + 1) + (int)Math.Round(dx) + r0]++;
                }
            }
        }

        var best = Array.IndexOf(votes, votes.Max());
        var shiftX = (best % ((2 * r0) + 1)) - r0;
        var shiftY = (best / ((2 * r0) + 1)) - r0;

        var wcs = initial;
        Func<double, double, (double, double)> predict = (x, y) => (x + shiftX, y + shiftY);
        List<(int S, int R)> pairs = [];
        double rms = double.NaN;
        var order = 1;
        foreach (var radius in new[] { 2.5, 1.5, 1.0 })
        {
            pairs = Match(sources, good, reference, wcs, predict, radius);
            if (pairs.Count < 6)
            {
                throw new InvalidOperationException($"only {pairs.Count} stars matched the reference catalog ({good.Length} measured, {reference.Count} reference stars)");
            }

            order = pairs.Count >= MinMatchesForSip ? 3 : 1;
            (wcs, rms, pairs) = Solve(wcs, sources, reference, pairs, order);
            predict = (x, y) => (x, y);
        }

        return new AstrometricSolution(wcs, pairs.Count, rms, order, pairs);
    }

    private static List<(int S, int R)> Match(IReadOnlyList<SourceMeasurement> sources, int[] good, IReadOnlyList<ReferenceStar> reference, TanWcs wcs, Func<double, double, (double, double)> predict, double radius)
    {
        // Grid hash of the reference positions in predicted pixel coordinates.
        var cell = 8.0;
        var grid = new Dictionary<(int, int), List<int>>();
        var xy = new (double X, double Y)[reference.Count];
        for (var r = 0; r < reference.Count; r++)
        {
            var (x, y) = wcs.SkyToPixel(SkyPosition.FromDegrees(reference[r].RaDeg, reference[r].DecDeg));
            xy[r] = predict(x, y);
            var key = ((int)Math.Floor(xy[r].X / cell), (int)Math.Floor(xy[r].Y / cell));
            if (!grid.TryGetValue(key, out var list))
            {
                grid[key] = list = [];
            }

            list.Add(r);
        }

        var pairs = new List<(int, int)>();
        var used = new HashSet<int>();
        foreach (var s in good)
        {
            var (sx, sy) = (sources[s].X, sources[s].Y);
            var gx = (int)Math.Floor(sx / cell);
            var gy = (int)Math.Floor(sy / cell);
            var bestR = -1;
            var bestD = radius * radius;
            for (var j = gy - 1; j <= gy + 1; j++)
            {
                for (var i = gx - 1; i <= gx + 1; i++)
                {
                    if (!grid.TryGetValue((i, j), out var list))
                    {
                        continue;
                    }

                    foreach (var r in list)
                    {
                        var d = ((xy[r].X - sx) * (xy[r].X - sx)) + ((xy[r].Y - sy) * (xy[r].Y - sy));
                        if (d < bestD)
                        {
                            bestD = d;
                            bestR = r;
                        }
                    }
                }
            }

            // Brightest sources first: a reference star goes to the first (brightest) source that claims it.
            if (bestR >= 0 && used.Add(bestR))
            {
                pairs.Add((s, bestR));
            }
        }

        return pairs;
    }

    /// <summary>Pixel offsets from CRPIX are divided by this before the polynomial terms are formed, to keep them near 1.</summary>
    private const double Scale = 2048.0;

    private static (TanWcs Wcs, double RmsMas, List<(int S, int R)> Pairs) Solve(TanWcs start, IReadOnlyList<SourceMeasurement> sources, IReadOnlyList<ReferenceStar> reference, List<(int S, int R)> pairs, int order)
    {
        var problem = new FitProblem(sources, reference, start.Crpix1, start.Crpix2, Terms(order));
        var crval = start.Crval;
        var rms = double.NaN;
        var keep = pairs.ToList();
        for (var iteration = 0; iteration < 4; iteration++)
        {
            var fit = problem.Fit(crval, keep);

            // Move CRVAL to the fitted origin (the constant terms) and refit next time.
            crval = fit.Projector.PixelToSky(fit.Cx[0], fit.Cy[0]);
            var residuals = fit.ResidualsMas();
            var n = keep.Count;
            rms = Math.Sqrt(residuals.Sum(r => r * r) / Math.Max(1, n - problem.Terms.Length));
            var sorted = residuals.Order().ToArray();
            var limit = Math.Max(3 * 1.4826 * sorted[n / 2] / 1.1774, 10.0);
            var next = keep.Where((_, p) => residuals[p] <= limit).ToList();
            if (next.Count == keep.Count || next.Count < problem.Terms.Length + 4)
            {
                if (iteration >= 1)
                {
                    break;
                }
            }
            else
            {
                keep = next;
            }
        }

        // Refit about the final CRVAL so the constant term is ~0, then split the linear (CD) and SIP parts.
        var final = problem.Fit(crval, keep);
        return (ToWcs(final.Cx, final.Cy, problem.Terms, order, start.Crpix1, start.Crpix2, crval), rms, keep);
    }

    /// <summary>The TAN-SIP WCS of fitted polynomial coefficients: the linear terms make the CD matrix, the rest the SIP polynomials.</summary>
    private static TanWcs ToWcs(double[] cx, double[] cy, (int P, int Q)[] terms, int order, double crpix1, double crpix2, SkyPosition crval)
    {
        var cd = new double[4];
        SipPolynomial? sipA = null, sipB = null;
        for (var t = 0; t < terms.Length; t++)
        {
            if (terms[t] == (1, 0))
            {
                cd[0] = cx[t] / Scale;
                cd[2] = cy[t] / Scale;
            }
            else if (terms[t] == (0, 1))
            {
                cd[1] = cx[t] / Scale;
                cd[3] = cy[t] / Scale;
            }
        }

        var det = (cd[0] * cd[3]) - (cd[1] * cd[2]);
        var i11 = cd[3] / det;
        var i12 = -cd[1] / det;
        var i21 = -cd[2] / det;
        var i22 = cd[0] / det;
        var sa = new double[order + 1, order + 1];
        var sb = new double[order + 1, order + 1];
        var any = false;
        for (var t = 0; t < terms.Length; t++)
        {
            var (p, q) = terms[t];
            if (p + q == 1)
            {
                continue;
            }

            var f = Math.Pow(Scale, p + q);
            sa[p, q] = ((i11 * cx[t]) + (i12 * cy[t])) / f;
            sb[p, q] = ((i21 * cx[t]) + (i22 * cy[t])) / f;
            any = true;
        }

        if (any)
        {
            sipA = new SipPolynomial(order, sa);
            sipB = new SipPolynomial(order, sb);
        }

        return new TanWcs(crpix1, crpix2, crval, cd, sipA, sipB);
    }

    /// <summary>The matched sources and references, the reference pixel and the polynomial terms of one WCS fit.</summary>
    private sealed class FitProblem(IReadOnlyList<SourceMeasurement> sources, IReadOnlyList<ReferenceStar> reference, double crpix1, double crpix2, (int P, int Q)[] terms)
    {
        public (int P, int Q)[] Terms { get; } = terms;

        /// <summary>
        /// Gnomonic coordinates (degrees) of the references about <paramref name="origin"/> against polynomial terms of
        /// the scaled pixel offsets, solved by weighted least squares (centroid error plus a 0.05 px floor).
        /// </summary>
        public TermFit Fit(SkyPosition origin, List<(int S, int R)> used)
        {
            var projector = new TanWcs(1, 1, origin, [1, 0, 0, 1]);
            var n = used.Count;
            var a = new double[n, Terms.Length];
            var bx = new double[n];
            var by = new double[n];
            for (var p = 0; p < n; p++)
            {
                var (s, r) = used[p];
                var u = (sources[s].X + 1 - crpix1) / Scale;
                var v = (sources[s].Y + 1 - crpix2) / Scale;
                for (var t = 0; t < Terms.Length; t++)
                {
                    a[p, t] = Math.Pow(u, Terms[t].P) * Math.Pow(v, Terms[t].Q);
                }

                projector.TrySkyToPixel(SkyPosition.FromDegrees(reference[r].RaDeg, reference[r].DecDeg), out bx[p], out by[p]);
            }

            var weights = used.Select(pair => 1.0 / ((sources[pair.S].XErr * sources[pair.S].XErr) + 0.0025)).ToArray();
            return new TermFit(projector, a, bx, by, LeastSquares.Solve(a, bx, weights), LeastSquares.Solve(a, by, weights));
        }
    }

    /// <summary>One least-squares fit: the projector it was made about, the design matrix, the targets and the coefficients.</summary>
    private sealed record TermFit(TanWcs Projector, double[,] A, double[] Bx, double[] By, double[] Cx, double[] Cy)
    {
        /// <summary>Each pair's distance from the fit, milliarcseconds.</summary>
        public double[] ResidualsMas()
        {
            var n = Bx.Length;
            var terms = Cx.Length;
            var residuals = new double[n];
            for (var p = 0; p < n; p++)
            {
                double ex = Bx[p], ey = By[p];
                for (var t = 0; t < terms; t++)
                {
                    ex -= Cx[t] * A[p, t];
                    ey -= Cy[t] * A[p, t];
                }

                residuals[p] = Math.Sqrt((ex * ex) + (ey * ey)) * 3.6e6;
            }

            return residuals;
        }
    }

    private static (int P, int Q)[] Terms(int order)
    {
        var list = new List<(int, int)>();
        for (var total = 0; total <= order; total++)
        {
            for (var p = total; p >= 0; p--)
            {
                list.Add((p, total - p));
            }
        }

        return [.. list];
    }
}
