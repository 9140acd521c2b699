using Apdb.Frontend.Calibration;
using Apdb.Frontend.Convolution;
using Apdb.Imaging;

namespace Apdb.Frontend.Subtraction;

/// <summary>
/// Alard-Lupton PSF matching: the template is convolved with a kernel K(x, y) = sum_k a_k(x, y) B_k (27 separable
/// basis kernels, coefficients linear in x and y) and a quadratic background is added, fitted by weighted least squares
/// on stamps around isolated stars (S/N 10-500, at most <see cref="StampsPerCell"/> per 128-pixel cell); the spatial
/// terms are evaluated at each stamp's centre in the fit. Stamps whose chi^2 per pixel is more than 3 robust sigma
/// above the median are clipped and the fit repeated (3 rounds). Subtraction convolves the whole template in row blocks:
/// per Gaussian, one row pass per x power, then for each spatial term one column pass with the y profiles already
/// combined by their coefficients (linearity), so the 27-kernel, spatially varying convolution costs 11 row and 33
/// column passes.
/// </summary>
public sealed class AlardLuptonMatcher
{
    private const int BlockRows = 64;

    /// <summary>The basis.</summary>
    public AlardLuptonBasis Basis { get; init; } = AlardLuptonBasis.Default;

    /// <summary>Stamp half-size, pixels.</summary>
    public int StampHalfSize { get; init; } = 12;

    /// <summary>Output columns per tile of the subtraction's convolution (cache blocking; the result does not depend on it).</summary>
    public int TileColumns { get; init; } = 1024;

    /// <summary>Stamps kept per 128-pixel cell.</summary>
    public int StampsPerCell { get; init; } = 2;

    /// <summary>Fits the matching kernel from stamp centres (star positions on the science image).</summary>
    /// <exception cref="InvalidOperationException">Fewer than 3 usable stamps.</exception>
    public AlardLuptonSolution Fit(Exposure science, Exposure template, IReadOnlyList<(double X, double Y, double Snr)> stars)
    {
        ArgumentNullException.ThrowIfNull(science);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(stars);
        var w = science.Width;
        var h = science.Height;
        var hs = StampHalfSize;
        var hk = Basis.HalfWidth;
        var reach = hs + hk + 1;
        var unusable = (int)MaskPlanes.Unusable;

        // Pick stamps: isolated, clean, in S/N 10-500, best few per 128-pixel cell.
        var candidates = stars.Where(s => s.Snr is >= 10 and <= 500 && s.X >= reach && s.Y >= reach && s.X < w - reach && s.Y < h - reach).ToList();
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

                var isolated = !stars.Any(o => o != s && Math.Abs(o.X - s.X) < hs + 2 && Math.Abs(o.Y - s.Y) < hs + 2);
                var cx = (int)Math.Round(s.X);
                var cy = (int)Math.Round(s.Y);
                if (isolated && Clean(science.Mask, w, cx, cy, hs, unusable) && Clean(template.Mask, w, cx, cy, hs + hk, unusable))
                {
                    chosen.Add((cx, cy));
                    taken++;
                }
            }
        }

        if (chosen.Count < 3)
        {
            throw new InvalidOperationException($"only {chosen.Count} clean isolated stars (S/N 10-500) for PSF matching");
        }

        var nk = Basis.Kernels.Count;
        var nBasic = nk + 1;
        var stamps = new StampSums[chosen.Count];
        Parallel.For(0, chosen.Count, s => stamps[s] = StampNormalEquations(science, template, chosen[s].X, chosen[s].Y, nBasic));

        var spatialOrder = chosen.Count >= 10 ? 1 : 0;
        var backgroundOrder = chosen.Count >= 10 ? 2 : 0;
        var nSpatial = spatialOrder == 1 ? 3 : 1;
        var nBackground = backgroundOrder == 2 ? 6 : 1;
        var active = Enumerable.Repeat(true, chosen.Count).ToArray();
        AlardLuptonSolution? solution = null;
        for (var round = 0; round < 4; round++)
        {
            var n = (nk * nSpatial) + nBackground;
            var m = new double[n, n];
            var b = new double[n];
            var probe = new AlardLuptonSolution
            {
                Basis = Basis, KernelCoefficients = new double[nk, 3], BackgroundCoefficients = new double[nBackground],
                SpatialOrder = spatialOrder, BackgroundOrder = backgroundOrder, StampsUsed = 0, StampsOffered = chosen.Count, Width = w, Height = h,
            };
            for (var s = 0; s < stamps.Length; s++)
            {
                if (!active[s])
                {
                    continue;
                }

                var terms = Terms(probe, chosen[s].X, chosen[s].Y, nk, nSpatial, nBackground);
                var st = stamps[s];
                // Column c of the full design at this stamp = terms[c] * basic column basicOf[c].
                for (var c1 = 0; c1 < n; c1++)
                {
                    var (f1, k1) = terms[c1];
                    b[c1] += f1 * st.Vector[k1];
                    for (var c2 = 0; c2 <= c1; c2++)
                    {
                        var (f2, k2) = terms[c2];
                        m[c1, c2] += f1 * f2 * st.Matrix[(k1 * nBasic) + k2];
                    }
                }
            }

            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    m[i, j] = m[j, i];
                }
            }

            var x = LeastSquares.SolveSymmetric(m, b);
            var kc = new double[nk, 3];
            for (var k = 0; k < nk; k++)
            {
                for (var s = 0; s < nSpatial; s++)
                {
                    kc[k, s] = x[(k * nSpatial) + s];
                }
            }

            var used = active.Count(a => a);
            solution = new AlardLuptonSolution
            {
                Basis = Basis, KernelCoefficients = kc, BackgroundCoefficients = x[(nk * nSpatial)..],
                SpatialOrder = spatialOrder, BackgroundOrder = backgroundOrder, StampsUsed = used, StampsOffered = chosen.Count, Width = w, Height = h,
            };

            // Clip stamps on chi^2 per pixel.
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
            var changed = false;
            for (var s = 0; s < stamps.Length; s++)
            {
                var keep = chi[s] <= limit;
                if (active[s] && !keep && used > 3)
                {
                    active[s] = false;
                    changed = true;
                    used--;
                }
            }

            if (!changed || round == 3)
            {
                break;
            }
        }

        return solution!;
    }

    /// <summary>
    /// science - K * template - background, with variance V_S + V_T sum(K^2) (the template variance is smooth on
    /// the kernel's scale) and the union of the masks; template NO_DATA within the kernel's reach becomes NO_DATA.
    /// </summary>
    public Exposure Subtract(Exposure science, Exposure template, AlardLuptonSolution solution)
    {
        ArgumentNullException.ThrowIfNull(science);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(solution);
        var w = science.Width;
        var h = science.Height;
        var unusable = (int)MaskPlanes.Unusable;
        var clean = new float[w * h];
        var bad = new bool[w * h];
        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                var ok = (template.Mask[k] & unusable) == 0 && float.IsFinite(template.Image[k]);
                clean[k] = ok ? template.Image[k] : 0f;
                bad[k] = !ok;
            }
        });
        var hk = Basis.HalfWidth;
        var reachBad = Dilate(bad, w, h, hk);

        var nk = Basis.Kernels.Count;
        var nSpatial = solution.SpatialOrder == 1 ? 3 : 1;
        // Combined column kernels: for group g, x power i, spatial term s: F(t) = sum_j a[(g,i,j), s] f_j(t).
        var combined = new Dictionary<(int G, int I, int S), float[]>();
        for (var k = 0; k < nk; k++)
        {
            var (g, i, j) = Basis.Kernels[k];
            var profile = Basis.Groups[g].Profiles[j];
            for (var s = 0; s < nSpatial; s++)
            {
                if (!combined.TryGetValue((g, i, s), out var f))
                {
                    combined[(g, i, s)] = f = new float[profile.Length];
                }

                var a = (float)solution.KernelCoefficients[k, s];
                for (var t = 0; t < profile.Length; t++)
                {
                    f[t] += a * profile[t];
                }
            }
        }

        var image = new float[w * h];
        // Work in tiles of BlockRows x TileColumns so the pass buffer and the accumulators stay in the L2 cache; row
        // passes run over the tile plus a halo of the largest kernel half-width (zero beyond the image, as everywhere).
        var blocks = (h + BlockRows - 1) / BlockRows;
        var tiles = (w + TileColumns - 1) / TileColumns;
        var halo = Basis.HalfWidth;
        Parallel.For(0, blocks * tiles, job =>
        {
            var y0 = job / tiles * BlockRows;
            var y1 = Math.Min(h, y0 + BlockRows);
            var rows = y1 - y0;
            var x0 = job % tiles * TileColumns;
            var x1 = Math.Min(w, x0 + TileColumns);
            var ex0 = Math.Max(0, x0 - halo);
            var ex1 = Math.Min(w, x1 + halo);
            var ew = ex1 - ex0;
            var acc = new float[nSpatial][];
            for (var s = 0; s < nSpatial; s++)
            {
                acc[s] = new float[rows * ew];
            }

            for (var g = 0; g < Basis.Groups.Count; g++)
            {
                var group = Basis.Groups[g];
                var gh = group.HalfWidth;
                var r0 = y0 - gh;
                var rowsIn = rows + (2 * gh);
                var pass = new float[rowsIn * ew];
                for (var i = 0; i <= group.Degree; i++)
                {
                    Array.Clear(pass);
                    for (var r = 0; r < rowsIn; r++)
                    {
                        var yy = r0 + r;
                        if ((uint)yy < (uint)h)
                        {
                            SeparableConvolution.ConvolveLine(clean.AsSpan((yy * w) + ex0, ew), pass.AsSpan(r * ew, ew), group.Profiles[i]);
                        }
                    }

                    // Output row y0 + y takes input rows y0 + y + t - gh = pass rows y + t.
                    var taps = (2 * gh) + 1;
                    for (var y = 0; y < rows; y++)
                    {
                        var input = pass.AsSpan(y * ew, taps * ew);
                        if (nSpatial == 3)
                        {
                            SeparableConvolution.AccumulateColumns3(input, ew, combined[(g, i, 0)], combined[(g, i, 1)], combined[(g, i, 2)],
                                acc[0].AsSpan(y * ew, ew), acc[1].AsSpan(y * ew, ew), acc[2].AsSpan(y * ew, ew));
                        }
                        else
                        {
                            SeparableConvolution.AccumulateColumns(input, ew, combined[(g, i, 0)], acc[0].AsSpan(y * ew, ew));
                        }
                    }
                }
            }

            for (var y = 0; y < rows; y++)
            {
                var yy = y0 + y;
                var v = (2.0 * yy / Math.Max(h - 1, 1)) - 1;
                for (var x = x0; x < x1; x++)
                {
                    var u = (2.0 * x / Math.Max(w - 1, 1)) - 1;
                    var a = (y * ew) + x - ex0;
                    double model = acc[0][a];
                    if (nSpatial == 3)
                    {
                        model += (u * acc[1][a]) + (v * acc[2][a]);
                    }

                    var k = (yy * w) + x;
                    image[k] = (float)(science.Image[k] - model - solution.Background(x, yy));
                }
            }
        });

        // Variance: V_S + V_T * sum(K^2), sum(K^2) on a 256-pixel grid, bilinear.
        const int Step = 256;
        var gx = (w / Step) + 2;
        var gy = (h / Step) + 2;
        var k2 = new double[gx * gy];
        for (var j = 0; j < gy; j++)
        {
            for (var i = 0; i < gx; i++)
            {
                k2[(j * gx) + i] = solution.KernelImage(Math.Min(i * Step, w - 1), Math.Min(j * Step, h - 1)).Sum(v => v * v);
            }
        }

        var variance = new float[w * h];
        var mask = new int[w * h];
        Parallel.For(0, h, y =>
        {
            var j = Math.Min(y / Step, gy - 2);
            var ty = (y - (j * Step)) / (double)Step;
            for (var x = 0; x < w; x++)
            {
                var i = Math.Min(x / Step, gx - 2);
                var tx = (x - (i * Step)) / (double)Step;
                var s2 = ((1 - ty) * (((1 - tx) * k2[(j * gx) + i]) + (tx * k2[(j * gx) + i + 1]))) + (ty * (((1 - tx) * k2[((j + 1) * gx) + i]) + (tx * k2[((j + 1) * gx) + i + 1])));
                var k = (y * w) + x;
                variance[k] = science.Variance[k] + (float)(template.Variance[k] * s2);
                mask[k] = (science.Mask[k] & ~(int)(MaskPlane.Detected | MaskPlane.DetectedNegative)) | (reachBad[k] ? (int)MaskPlane.NoData : 0);
                if (reachBad[k])
                {
                    image[k] = float.NaN;
                }
            }
        });

        return new Exposure(w, h, image, variance, mask) { Wcs = science.Wcs, Psf = science.Psf, PhotoCalib = science.PhotoCalib };
    }

    /// <summary>
    /// Robust sigma of difference / sqrt(variance) over usable pixels outside the science detections; multiplies the
    /// variance by its square and returns it (the correction for correlated and mis-propagated noise).
    /// </summary>
    public static double RescaleNoise(Exposure difference, int[] scienceMask)
    {
        ArgumentNullException.ThrowIfNull(difference);
        ArgumentNullException.ThrowIfNull(scienceMask);
        var sample = new List<float>();
        var avoid = (int)MaskPlanes.Unusable | (int)MaskPlane.Detected;
        for (var k = 0; k < difference.Image.Length; k += 7)
        {
            var v = difference.Variance[k];
            if ((difference.Mask[k] & (int)MaskPlanes.Unusable) == 0 && (scienceMask[k] & avoid) == 0 && v > 0 && float.IsFinite(difference.Image[k]))
            {
                sample.Add(difference.Image[k] / MathF.Sqrt(v));
            }
        }

        if (sample.Count < 100)
        {
            return 1.0;
        }

        sample.Sort();
        var q1 = sample[sample.Count / 4];
        var q3 = sample[(3 * sample.Count) / 4];
        var ratio = (q3 - q1) / 1.349;
        if (!(ratio > 0))
        {
            return 1.0;
        }

        var r2 = (float)(ratio * ratio);
        for (var k = 0; k < difference.Variance.Length; k++)
        {
            difference.Variance[k] *= r2;
        }

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

        return new StampSums(matrix, vector, dataSquared, Math.Max(pixels, 1));
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
        var tmp = new bool[input.Length];
        var output = new bool[input.Length];
        Parallel.For(0, h, y =>
        {
            var last = int.MinValue / 2;
            for (var x = 0; x < w + r; x++)
            {
                if (x < w && input[(y * w) + x])
                {
                    last = x;
                }

                var target = x - r;
                if (target >= 0 && target < w)
                {
                    tmp[(y * w) + target] = x - last <= 2 * r;
                }
            }
        });
        Parallel.For(0, w, x =>
        {
            var last = int.MinValue / 2;
            for (var y = 0; y < h + r; y++)
            {
                if (y < h && tmp[(y * w) + x])
                {
                    last = y;
                }

                var target = y - r;
                if (target >= 0 && target < h)
                {
                    output[(target * w) + x] = y - last <= 2 * r;
                }
            }
        });
        return output;
    }

    private sealed record StampSums(double[] Matrix, double[] Vector, double DataSquared, int Pixels);
}
