using Apdb.Frontend.Calibration;
using Apdb.Frontend.Detection;
using Apdb.Imaging;

namespace Apdb.Frontend.Measurement;

/// <summary>
/// Flux apportioned between the children of a deblended footprint: their PSF fluxes come from one linear fit of all the
/// children's PSFs at their positions (f = A^-1 b, A_ij = sum P_i P_j, b_i = sum P_i D; error sqrt((A^-1 M A^-1)_ii),
/// M_ij = sum P_i P_j V), and each child's centroid, aperture flux and moments are measured on the image less its
/// siblings' fitted models, so a faint child is not measured on a bright neighbour's wing.
/// </summary>
public sealed partial class SourceMeasurer
{
    /// <summary>Blends with more children than this keep their one-by-one measurements (the joint fit is cubic in the count).</summary>
    public int MaxBlendChildren { get; init; } = 256;

    /// <summary>Centroid-and-refit rounds before the final measurement.</summary>
    private const int BlendRounds = 2;

    private void MeasureBlends(Exposure exposure, Psf psf, IReadOnlyList<DetectedPeak> peaks, float[]? snrImage, SourceMeasurement[] result)
    {
        var blends = Enumerable.Range(0, peaks.Count)
            .Where(i => peaks[i].PeaksInFootprint > 1)
            .GroupBy(i => peaks[i].FootprintId)
            .Select(g => g.ToArray())
            .Where(g => g.Length > 1 && g.Length <= MaxBlendChildren)
            .ToList();
        Parallel.ForEach(blends, members => MeasureBlend(exposure, psf, peaks, snrImage, members, result));
    }

    private void MeasureBlend(Exposure exposure, Psf psf, IReadOnlyList<DetectedPeak> peaks, float[]? snrImage, int[] members, SourceMeasurement[] result)
    {
        var hw = StampHalfWidth(psf);
        var margin = Math.Max(hw, (int)Math.Ceiling(Math.Max(3.0, ApertureRadiusFwhm * psf.FwhmPixels))) + 4;
        var cut = Cutout(exposure, members.Select(i => (peaks[i].X, peaks[i].Y)), margin, out var x0, out var y0);
        var cutPsf = new ShiftedPsf(psf, x0, y0);
        var positions = members.Select(i => StartPosition(exposure, peaks[i], snrImage)).Select(p => (X: p.X - x0, Y: p.Y - y0)).ToArray();
        var sigma = psf.FwhmPixels / GaussianPsf.FwhmPerSigma;
        var residual = new Exposure(cut.Width, cut.Height, new float[cut.Image.Length], cut.Variance, cut.Mask);
        var (flux, err) = JointFlux(cut, cutPsf, positions, hw);
        for (var round = 0; round < BlendRounds; round++)
        {
            for (var c = 0; c < members.Length; c++)
            {
                SiblingsRemoved(cut, cutPsf, positions, flux, c, hw, residual.Image);
                var (x, y, ok) = WeightedCentroid(residual, peaks[members[c]].IsNegative ? -1.0 : 1.0, positions[c].X, positions[c].Y, sigma);
                if (ok)
                {
                    positions[c] = (x, y);
                }
            }

            (flux, err) = JointFlux(cut, cutPsf, positions, hw);
        }

        for (var c = 0; c < members.Length; c++)
        {
            var peak = peaks[members[c]];
            SiblingsRemoved(cut, cutPsf, positions, flux, c, hw, residual.Image);
            var local = peak with { X = peak.X - x0, Y = peak.Y - y0 };
            var m = MeasureAt(residual, cutPsf, local, positions[c]);
            result[members[c]] = m with
            {
                X = m.X + x0,
                Y = m.Y + y0,
                PsfFluxErr = double.IsFinite(err[c]) ? err[c] : m.PsfFluxErr,
                Peak = peak,
            };
        }
    }

    private static int StampHalfWidth(Psf psf) => Math.Clamp((int)Math.Ceiling(2.0 * psf.FwhmPixels), 4, 20);

    /// <summary>A copy of the exposure's planes around the given pixels, <paramref name="margin"/> beyond them (clipped to the image).</summary>
    private static Exposure Cutout(Exposure exposure, IEnumerable<(int X, int Y)> pixels, int margin, out int x0, out int y0)
    {
        var list = pixels.ToList();
        x0 = Math.Max(list.Min(p => p.X) - margin, 0);
        y0 = Math.Max(list.Min(p => p.Y) - margin, 0);
        var x1 = Math.Min(list.Max(p => p.X) + margin, exposure.Width - 1);
        var y1 = Math.Min(list.Max(p => p.Y) + margin, exposure.Height - 1);
        int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
        var image = new float[cw * ch];
        var variance = new float[cw * ch];
        var mask = new int[cw * ch];
        for (var y = 0; y < ch; y++)
        {
            var from = ((y + y0) * exposure.Width) + x0;
            Array.Copy(exposure.Image, from, image, y * cw, cw);
            Array.Copy(exposure.Variance, from, variance, y * cw, cw);
            Array.Copy(exposure.Mask, from, mask, y * cw, cw);
        }

        return new Exposure(cw, ch, image, variance, mask);
    }

    private bool Usable(Exposure e, int k) => (e.Mask[k] & BadBits) == 0 && float.IsFinite(e.Image[k]) && e.Variance[k] > 0;

    /// <summary>Fluxes of all children fitted together at fixed positions, and their errors with the covariance the overlap brings.</summary>
    private (double[] Flux, double[] Err) JointFlux(Exposure cut, Psf psf, (double X, double Y)[] positions, int hw)
    {
        var n = positions.Length;
        var size = (2 * hw) + 1;
        var stamps = new float[n][];
        for (var i = 0; i < n; i++)
        {
            stamps[i] = new float[size * size];
            psf.ComputeStamp(positions[i].X, positions[i].Y, hw, stamps[i]);
        }

        var a = new double[n, n];
        var m = new double[n, n];
        var b = new double[n];
        for (var i = 0; i < n; i++)
        {
            int cxi = Psf.StampCentre(positions[i].X), cyi = Psf.StampCentre(positions[i].Y);
            for (var j = i; j < n; j++)
            {
                int cxj = Psf.StampCentre(positions[j].X), cyj = Psf.StampCentre(positions[j].Y);
                var (pp, ppv, pd) = Overlap(cut, stamps[i], cxi, cyi, stamps[j], cxj, cyj, hw, j == i);
                a[i, j] = a[j, i] = pp;
                m[i, j] = m[j, i] = ppv;
                if (j == i)
                {
                    b[i] = pd;
                }
            }
        }

        var flux = LeastSquares.SolveSymmetric(a, b);
        var err = new double[n];
        for (var i = 0; i < n; i++)
        {
            if (!(a[i, i] > 0))
            {
                flux[i] = double.NaN;
                err[i] = double.NaN;
                continue;
            }

            var unit = new double[n];
            unit[i] = 1;
            var u = LeastSquares.SolveSymmetric(a, unit);
            double v = 0;
            for (var p = 0; p < n; p++)
            {
                for (var q = 0; q < n; q++)
                {
                    v += u[p] * m[p, q] * u[q];
                }
            }

            err[i] = Math.Sqrt(Math.Max(v, 0));
        }

        return (flux, err);
    }

    /// <summary>sum P_i P_j, sum P_i P_j V and (for i = j) sum P_i D over the usable pixels the two stamps share.</summary>
    private (double PP, double PPV, double PD) Overlap(Exposure cut, float[] si, int cxi, int cyi, float[] sj, int cxj, int cyj, int hw, bool same)
    {
        var size = (2 * hw) + 1;
        int xa = Math.Max(Math.Max(cxi, cxj) - hw, 0), xb = Math.Min(Math.Min(cxi, cxj) + hw, cut.Width - 1);
        int ya = Math.Max(Math.Max(cyi, cyj) - hw, 0), yb = Math.Min(Math.Min(cyi, cyj) + hw, cut.Height - 1);
        double pp = 0, ppv = 0, pd = 0;
        for (var y = ya; y <= yb; y++)
        {
            for (var x = xa; x <= xb; x++)
            {
                var k = (y * cut.Width) + x;
                if (!Usable(cut, k))
                {
                    continue;
                }

                double pi = si[((y - cyi + hw) * size) + (x - cxi + hw)];
                double pj = sj[((y - cyj + hw) * size) + (x - cxj + hw)];
                pp += pi * pj;
                ppv += pi * pj * cut.Variance[k];
                if (same)
                {
                    pd += pi * cut.Image[k];
                }
            }
        }

        return (pp, ppv, pd);
    }

    /// <summary>Writes the cutout's image less every child's model but child <paramref name="keep"/>'s into <paramref name="destination"/>.</summary>
    private static void SiblingsRemoved(Exposure cut, Psf psf, (double X, double Y)[] positions, double[] flux, int keep, int hw, float[] destination)
    {
        Array.Copy(cut.Image, destination, destination.Length);
        var size = (2 * hw) + 1;
        Span<float> stamp = stackalloc float[size * size];
        for (var j = 0; j < positions.Length; j++)
        {
            if (j == keep || !double.IsFinite(flux[j]))
            {
                continue;
            }

            psf.ComputeStamp(positions[j].X, positions[j].Y, hw, stamp);
            int cx = Psf.StampCentre(positions[j].X), cy = Psf.StampCentre(positions[j].Y);
            for (var y = Math.Max(cy - hw, 0); y <= Math.Min(cy + hw, cut.Height - 1); y++)
            {
                for (var x = Math.Max(cx - hw, 0); x <= Math.Min(cx + hw, cut.Width - 1); x++)
                {
                    destination[(y * cut.Width) + x] -= (float)(flux[j] * stamp[((y - cy + hw) * size) + (x - cx + hw)]);
                }
            }
        }
    }
}
