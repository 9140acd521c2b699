using Apdb.Frontend.Measurement;
using Apdb.Imaging;
using Apdb.Records;
using Apdb.Sky;

namespace Apdb.Frontend.Dia;

/// <summary>
/// Turns difference-image measurements into DiaSource rows: drops detections whose centre pixel is unusable, whose
/// footprint touches a saturated pixel, that reach the edge or have no PSF flux (the filters); flags dipoles (a positive
/// and a negative detection within two FWHM with PSF fluxes within a factor 3 of each other); adds the PSF flux on the
/// calibrated science image at the same position; drops bright-star residuals (|difference flux| below
/// <see cref="MinFractionalChange"/> of the science flux: warping and kernel errors leave about 1% of a bright star);
/// converts to Rubin's units (nJy, degrees, arcsec^2).
/// </summary>
internal sealed class DiaSourceBuilder
{
    /// <summary>Smallest |psfFlux| / scienceFlux kept (0 keeps every detection).</summary>
    public double MinFractionalChange { get; init; } = 0.02;

    /// <summary>Builds the rows and returns how many detections the filters dropped.</summary>
    public (List<DiaSource> Rows, int Filtered) Build(IReadOnlyList<SourceMeasurement> measured, Exposure difference, Exposure science,
        long visit, int detector, string band, double midpointMjdTai, double exposureTime, double processedMjdTai)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(difference);
        ArgumentNullException.ThrowIfNull(science);
        var wcs = difference.Wcs ?? throw new InvalidOperationException("the difference image has no WCS");
        var psf = difference.Psf ?? throw new InvalidOperationException("the difference image has no PSF");
        const MeasurementFlags Dropped = MeasurementFlags.CenterMasked | MeasurementFlags.Saturated | MeasurementFlags.Edge | MeasurementFlags.PsfFitFailed;
        var kept = measured.Where(m => (m.Flags & Dropped) == 0 && double.IsFinite(m.PsfFlux)).ToList();
        var filtered = measured.Count - kept.Count;
        var fwhm = psf.FwhmPixels;
        var dipole = Dipoles(kept, fwhm);

        var scale = wcs.PixelScaleArcsec;
        var measurer = new SourceMeasurer();
        var rows = new List<DiaSource>(kept.Count);
        var footprints = new List<int>(kept.Count);
        var order = Enumerable.Range(0, kept.Count).OrderByDescending(i => Math.Abs(kept[i].Snr)).Take(DiaSourceIds.MaxPerDetectorVisit).ToArray();
        Array.Sort(order);
        foreach (var i in order)
        {
            var m = kept[i];
            var sky = wcs.PixelToSky(m.X, m.Y);
            var (sciFlux, sciErr, _, _, _, _) = science.Psf is { } sciencePsf ? measurer.PsfFlux(science, sciencePsf, m.X, m.Y) : (double.NaN, double.NaN, 0, 0, 0, false);
            if (Math.Abs(m.PsfFlux) < MinFractionalChange * sciFlux)
            {
                filtered++;
                continue;
            }

            footprints.Add(m.Peak.PeaksInFootprint > 1 ? m.Peak.FootprintId : -1);
            var mask = m.StampMask;
            var cos = Math.Cos(sky.DecRad);
            rows.Add(new DiaSource
            {
                DiaSourceId = DiaSourceIds.Make(visit, detector, rows.Count),
                Visit = visit,
                Detector = (short)detector,
                DiaObjectId = null,
                MidpointMjdTai = midpointMjdTai,
                ExposureTime = (float)exposureTime,
                Ra = sky.RaDeg,
                Dec = sky.DecDeg,
                RaErr = (float)(m.XErr * scale / 3600.0 / Math.Max(cos, 1e-6)),
                DecErr = (float)(m.YErr * scale / 3600.0),
                RaDecCov = 0f,
                X = (float)m.X,
                Y = (float)m.Y,
                XErr = (float)m.XErr,
                YErr = (float)m.YErr,
                CentroidFlag = (m.Flags & MeasurementFlags.CentroidFailed) != 0,
                PsfFlux = (float)m.PsfFlux,
                PsfFluxErr = (float)m.PsfFluxErr,
                PsfChi2 = (float)m.PsfChi2,
                PsfNdata = m.PsfNdata,
                PsfFluxFlag = false,
                PsfFluxFlagEdge = (m.Flags & MeasurementFlags.Edge) != 0,
                PsfFluxFlagNoGoodPixels = m.PsfNdata == 0,
                ApFlux = (float)m.ApFlux,
                ApFluxErr = (float)m.ApFluxErr,
                ApFluxFlag = !double.IsFinite(m.ApFlux),
                ApFluxFlagApertureTruncated = (m.Flags & MeasurementFlags.ApertureTruncated) != 0,
                IsNegative = m.Peak.IsNegative,
                Snr = (float)Math.Abs(m.Snr),
                ScienceFlux = (float)sciFlux,
                ScienceFluxErr = (float)sciErr,
                Ixx = (float)(m.Ixx * scale * scale),
                Iyy = (float)(m.Iyy * scale * scale),
                Ixy = (float)(m.Ixy * scale * scale),
                ShapeFlag = !double.IsFinite(m.Ixx) || !double.IsFinite(m.Iyy),
                IsDipole = dipole[i],
                DipoleFitAttempted = false,
                Band = band,
                TimeProcessedMjdTai = processedMjdTai,
                BboxSize = m.BboxSize,
                PixelFlags = false,
                PixelFlagsBad = (mask & (int)MaskPlane.Bad) != 0,
                PixelFlagsCr = (mask & (int)MaskPlane.Cr) != 0,
                PixelFlagsCrCenter = (m.CenterMask & (int)MaskPlane.Cr) != 0,
                PixelFlagsEdge = (mask & (int)MaskPlane.Edge) != 0 || (m.Flags & MeasurementFlags.Edge) != 0,
                PixelFlagsNodata = (mask & (int)MaskPlane.NoData) != 0,
                PixelFlagsNodataCenter = (m.CenterMask & (int)MaskPlane.NoData) != 0,
                PixelFlagsInterpolated = (mask & (int)MaskPlane.Intrp) != 0,
                PixelFlagsInterpolatedCenter = (m.CenterMask & (int)MaskPlane.Intrp) != 0,
                PixelFlagsOffimage = false,
                PixelFlagsSaturated = (mask & (int)MaskPlane.Sat) != 0,
                PixelFlagsSaturatedCenter = (m.CenterMask & (int)MaskPlane.Sat) != 0,
                PixelFlagsSuspect = (mask & (int)MaskPlane.Suspect) != 0,
                PixelFlagsSuspectCenter = (m.CenterMask & (int)MaskPlane.Suspect) != 0,
                PixelFlagsStreak = false,
                PixelFlagsStreakCenter = false,
                PixelFlagsInjected = false,
                PixelFlagsInjectedCenter = false,
                PixelFlagsInjectedTemplate = false,
                PixelFlagsInjectedTemplateCenter = false,
                PixelId = HealpixNested.Hash(29, sky),
            });
        }

        SetParents(rows, footprints, visit, detector);
        return (rows, filtered);
    }

    /// <summary>Pairs of a positive and a negative source of similar flux (ratio 1/3-3) within two FWHM: both are dipole lobes.</summary>
    private static bool[] Dipoles(List<SourceMeasurement> kept, double fwhm)
    {
        var dipole = new bool[kept.Count];
        for (var i = 0; i < kept.Count; i++)
        {
            for (var j = i + 1; j < kept.Count; j++)
            {
                var a = kept[i];
                var b = kept[j];
                if (a.Peak.IsNegative == b.Peak.IsNegative)
                {
                    continue;
                }

                var d2 = ((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y));
                var ratio = Math.Abs(a.PsfFlux / b.PsfFlux);
                if (d2 <= 4 * fwhm * fwhm && ratio is > 1.0 / 3 and < 3)
                {
                    dipole[i] = dipole[j] = true;
                }
            }
        }

        return dipole;
    }

    /// <summary>
    /// Deblended children carry the id of the footprint they came from as <c>parentDiaSourceId</c>, numbered in the
    /// detector-visit's id space after its last DiaSource; the parent itself is not a row (Rubin measures only deblended
    /// children on difference images). 0 for a source alone in its footprint, as in the history.
    /// </summary>
    private static void SetParents(List<DiaSource> rows, List<int> footprints, long visit, int detector)
    {
        var parents = new Dictionary<int, long>();
        for (var i = 0; i < rows.Count; i++)
        {
            var footprint = footprints[i];
            if (footprint < 0)
            {
                rows[i].ParentDiaSourceId = 0;
                continue;
            }

            if (!parents.TryGetValue(footprint, out var parent))
            {
                var index = rows.Count + parents.Count;
                parent = index < DiaSourceIds.MaxPerDetectorVisit ? DiaSourceIds.Make(visit, detector, index) : 0;
                parents[footprint] = parent;
            }

            rows[i].ParentDiaSourceId = parent;
        }
    }
}
