using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Simulation;

public sealed partial class HistoryGenerator
{
    private const DiaSourceFlags AnyPixelFlag = DiaSourceFlags.PixelBad | DiaSourceFlags.PixelCr | DiaSourceFlags.PixelEdge
        | DiaSourceFlags.PixelInterpolated | DiaSourceFlags.PixelSaturated | DiaSourceFlags.PixelSuspect | DiaSourceFlags.PixelStreak;

    /// <summary>
    /// Fills every measured column of a DiaSource at a true pixel position. The steps draw from <paramref name="rng"/> in
    /// a fixed order (the measurement, the fluxes and position, shape, trail, dipole, flags), so a row depends only on
    /// its stream.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(
        ref DiaSourceRow row, Visit visit, int detector, double x, double y, double flux, double template,
        ref CounterRng rng, Psf psf, TruthKind kind, double speedArcsecPerDay, double motionAngleDeg)
    {
        var m = Measure(visit, x, y, flux, template, ref rng, kind);
        FillPositionAndFluxes(ref row, visit, detector, m, ref rng);
        FillShape(ref row, m, ref rng, psf, kind);
        FillTrail(ref row, m, ref rng, kind, speedArcsecPerDay, motionAngleDeg);
        var isDipole = FillDipole(ref row, m, ref rng, kind);
        row.Flags = Flags(m, ref rng, kind, isDipole);
    }

    /// <summary>What a measurement of one source found before its columns are written.</summary>
    private readonly record struct Measured(
        double Flux, double Template, double PsfFlux, double SciErr, double TmplErr, double DiffErr, double Snr,
        double PosErrPix, double PosErrDeg, double X, double Y, int Bbox, int Ndata, double Chi2);

    /// <summary>
    /// The difference-image flux and its error (sky, source Poisson noise, template noise), the centroid and the
    /// footprint. Artifacts (false positives) sit just above the 5-sigma threshold, of either sign.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Measured Measure(Visit visit, double x, double y, double flux, double template, ref CounterRng rng, TruthKind kind)
    {
        var sky = visit.SkyNoiseNjy;
        var sciErr = Math.Sqrt(sky * sky + Math.Max(flux, 0) / ElectronsPerNanojansky);
        var tmplErr = 0.5 * sky;
        var diffErr = Math.Sqrt(sciErr * sciErr + tmplErr * tmplErr);
        double psfFlux;
        if (kind == TruthKind.FalsePositive)
        {
            var snrTrue = 5.0 + 1.5 * -Math.Log(1.0 - rng.NextDouble());
            psfFlux = (rng.Chance(0.65) ? 1 : -1) * snrTrue * diffErr;
            flux = template + 0.3 * psfFlux + sky * rng.Gaussian();
        }
        else
        {
            psfFlux = flux - template + diffErr * rng.Gaussian();
        }

        var snr = Math.Abs(psfFlux) / diffErr;
        var fwhmPix = visit.SeeingArcsec / CameraLayout.PixelScaleArcsec;
        var posErrPix = Math.Max(0.02, fwhmPix / (AstroConstants.FwhmPerSigma * Math.Max(snr, 3.0)));
        var mx = Math.Clamp(x + posErrPix * rng.Gaussian(), -0.5, CameraLayout.DetectorPixels - 0.51);
        var my = Math.Clamp(y + posErrPix * rng.Gaussian(), -0.5, CameraLayout.DetectorPixels - 0.51);
        var posErrDeg = posErrPix * CameraLayout.PixelScaleArcsec / 3600.0;
        var bbox = Math.Clamp(2 * (int)(2.0 * fwhmPix * (1.0 + 0.25 * Math.Log10(1.0 + snr))) + 1, 11, 95);
        var ndata = bbox * bbox;
        var chi2 = ndata + Math.Sqrt(2.0 * ndata) * rng.Gaussian();
        return new Measured(flux, template, psfFlux, sciErr, tmplErr, diffErr, snr, posErrPix, posErrDeg, mx, my, bbox, ndata, chi2);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillPositionAndFluxes(ref DiaSourceRow row, Visit visit, int detector, in Measured m, ref CounterRng rng)
    {
        var position = visit.Geometry.PixelToSky(detector, m.X, m.Y);
        var diffErr = m.DiffErr;
        row.Visit = visit.VisitId;
        row.Detector = (short)detector;
        row.Band = (byte)visit.Band;
        row.MidpointMjdTai = visit.MidpointMjdTai;
        row.TimeProcessedMjdTai = visit.MidpointMjdTai + (60.0 + 30.0 * rng.NextDouble()) / AstroConstants.SecondsPerDay;
        row.ExposureTime = (float)Cadence.ExposureSeconds;
        row.Ra = position.RaDeg;
        row.Dec = position.DecDeg;
        row.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, row.Ra, row.Dec);
        row.RaErr = (float)m.PosErrDeg;
        row.DecErr = (float)(m.PosErrDeg * (1.0 + 0.05 * rng.Gaussian()));
        row.RaDecCov = (float)(0.1 * m.PosErrDeg * m.PosErrDeg * rng.Gaussian());
        row.X = (float)m.X;
        row.Y = (float)m.Y;
        row.XErr = (float)m.PosErrPix;
        row.YErr = (float)(m.PosErrPix * (1.0 + 0.05 * rng.Gaussian()));
        row.PsfFlux = (float)m.PsfFlux;
        row.PsfFluxErr = (float)(diffErr * (1.0 + 0.02 * rng.Gaussian()));
        row.Snr = (float)(Math.Abs(m.PsfFlux) / row.PsfFluxErr);
        row.PsfChi2 = (float)m.Chi2;
        row.PsfNdata = m.Ndata;
        row.PsfLnL = (float)(-0.5 * m.Chi2 - m.Ndata * Math.Log(Math.Sqrt(2 * Math.PI) * diffErr / Math.Sqrt(m.Ndata)));
        row.ApFlux = (float)(0.98 * m.PsfFlux + 0.5 * diffErr * rng.Gaussian());
        row.ApFluxErr = (float)(1.25 * diffErr);
        row.ScienceFlux = (float)(m.Flux + m.SciErr * rng.Gaussian());
        row.ScienceFluxErr = (float)m.SciErr;
        row.TemplateFlux = (float)(m.Template + m.TmplErr * rng.Gaussian());
        row.TemplateFluxErr = (float)m.TmplErr;
        row.BboxSize = m.Bbox;
    }

    /// <summary>Second moments (the PSF's, widened for extended sources, with noise) and the reliability score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillShape(ref DiaSourceRow row, in Measured m, ref CounterRng rng, Psf psf, TruthKind kind)
    {
        var extended = kind switch
        {
            TruthKind.Variable => 0.05 * rng.NextDouble(),
            TruthKind.Transient => m.Template > 0 ? rng.Uniform(0.2, 0.6) : 0.05 * rng.NextDouble(),
            TruthKind.FalsePositive => rng.NextDouble(),
            _ => 0.0,
        };
        var shapeNoise = psf.Ixx / Math.Max(m.Snr, 1.0);
        row.IxxPsf = psf.Ixx;
        row.IyyPsf = psf.Iyy;
        row.IxyPsf = psf.Ixy;
        row.Ixx = (float)(psf.Ixx * (1 + extended) + shapeNoise * rng.Gaussian());
        row.Iyy = (float)(psf.Iyy * (1 + extended) + shapeNoise * rng.Gaussian());
        row.Ixy = (float)(psf.Ixy + 0.5 * shapeNoise * rng.Gaussian());
        row.Extendedness = (float)extended;
        row.Reliability = (float)(kind switch
        {
            TruthKind.Variable => rng.Uniform(0.85, 1.0),
            TruthKind.Transient => rng.Uniform(0.8, 1.0),
            TruthKind.FalsePositive => rng.Uniform(0.0, 0.6),
            _ => rng.Uniform(0.7, 1.0),
        });
    }

    /// <summary>The trail fit: a moving object's trail is its motion during the exposure; others get a short noise trail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillTrail(ref DiaSourceRow row, in Measured m, ref CounterRng rng, TruthKind kind, double speedArcsecPerDay, double motionAngleDeg)
    {
        var diffErr = m.DiffErr;
        var trailArcsec = kind == TruthKind.Moving
            ? speedArcsecPerDay * Cadence.ExposureSeconds / AstroConstants.SecondsPerDay
            : 0.1 * Math.Abs(rng.Gaussian());
        row.TrailFlux = (float)(m.PsfFlux * 1.01 + 0.3 * diffErr * rng.Gaussian());
        row.TrailFluxErr = (float)(1.05 * diffErr);
        row.TrailRa = row.Ra;
        row.TrailDec = row.Dec;
        row.TrailRaErr = (float)(1.1 * m.PosErrDeg);
        row.TrailDecErr = (float)(1.1 * m.PosErrDeg);
        row.TrailLength = (float)(trailArcsec + 0.05 * Math.Abs(rng.Gaussian()));
        row.TrailLengthErr = (float)(0.05 + 0.5 * m.PosErrPix * CameraLayout.PixelScaleArcsec);
        row.TrailAngle = (float)(kind == TruthKind.Moving ? motionAngleDeg : rng.Uniform(-90, 90));
        row.TrailAngleErr = (float)rng.Uniform(1, 30);
        row.TrailChi2 = (float)(m.Ndata + Math.Sqrt(2.0 * m.Ndata) * rng.Gaussian());
        row.TrailNdata = m.Ndata;
    }

    /// <summary>The dipole fit: a tenth of the artifacts are dipoles. Returns whether this one is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FillDipole(ref DiaSourceRow row, in Measured m, ref CounterRng rng, TruthKind kind)
    {
        var (psfFlux, diffErr, ndata) = (m.PsfFlux, m.DiffErr, m.Ndata);
        var isDipole = kind == TruthKind.FalsePositive && rng.Chance(0.1);
        row.DipoleMeanFlux = (float)(0.5 * psfFlux + 0.3 * diffErr * rng.Gaussian());
        row.DipoleMeanFluxErr = (float)(0.7 * diffErr);
        row.DipoleFluxDiff = (float)((isDipole ? 2.0 * Math.Abs(psfFlux) : 0.0) + diffErr * rng.Gaussian());
        row.DipoleFluxDiffErr = (float)diffErr;
        row.DipoleLength = (float)(isDipole ? rng.Uniform(0.5, 2.0) : 0.1 * Math.Abs(rng.Gaussian()));
        row.DipoleAngle = (float)rng.Uniform(0, 360);
        row.DipoleChi2 = (float)(ndata + Math.Sqrt(2.0 * ndata) * rng.Gaussian());
        row.DipoleNdata = ndata;
        return isDipole;
    }

    /// <summary>The flags: sign, dipole, weak centroid and shape, edge, saturation, and the artifacts' pixel flags.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DiaSourceFlags Flags(in Measured m, ref CounterRng rng, TruthKind kind, bool isDipole)
    {
        var flags = DiaSourceFlags.DipoleFitAttempted;
        if (m.PsfFlux < 0)
        {
            flags |= DiaSourceFlags.IsNegative;
        }

        if (isDipole)
        {
            flags |= DiaSourceFlags.IsDipole;
        }

        if (m.Snr < 3)
        {
            flags |= DiaSourceFlags.Centroid;
        }

        if (m.Snr < 5 && rng.Chance(0.3))
        {
            flags |= DiaSourceFlags.Shape | DiaSourceFlags.ShapeNotContained;
        }

        var half = m.Bbox / 2;
        if (m.X < half || m.Y < half || m.X > CameraLayout.DetectorPixels - 1 - half || m.Y > CameraLayout.DetectorPixels - 1 - half)
        {
            flags |= DiaSourceFlags.PixelEdge | DiaSourceFlags.PsfFluxEdge | DiaSourceFlags.TrailEdge | DiaSourceFlags.ForcedPsfFluxEdge
                | DiaSourceFlags.ApFluxApertureTruncated;
        }

        if (m.Flux > 1.5e6)
        {
            flags |= DiaSourceFlags.PixelSaturated | DiaSourceFlags.PixelSaturatedCenter;
        }

        if (kind == TruthKind.FalsePositive)
        {
            flags |= ArtifactFlags(ref rng);
        }

        if (rng.Chance(kind == TruthKind.FalsePositive ? 0.1 : 0.01))
        {
            flags |= DiaSourceFlags.PixelInterpolated | (rng.Chance(0.3) ? DiaSourceFlags.PixelInterpolatedCenter : 0);
        }

        return (flags & AnyPixelFlag) != 0 ? flags | DiaSourceFlags.PixelFlags : flags;
    }

    /// <summary>The pixel flags an artifact may carry: cosmic ray, streak, suspect, bad, glint.</summary>
    private static DiaSourceFlags ArtifactFlags(ref CounterRng rng)
    {
        var flags = (DiaSourceFlags)0;
        if (rng.Chance(0.15))
        {
            flags |= DiaSourceFlags.PixelCr | DiaSourceFlags.PixelCrCenter;
        }

        if (rng.Chance(0.05))
        {
            flags |= DiaSourceFlags.PixelStreak | (rng.Chance(0.5) ? DiaSourceFlags.PixelStreakCenter : 0);
        }

        if (rng.Chance(0.03))
        {
            flags |= DiaSourceFlags.PixelSuspect | DiaSourceFlags.PixelSuspectCenter;
        }

        if (rng.Chance(0.02))
        {
            flags |= DiaSourceFlags.PixelBad;
        }

        if (rng.Chance(0.01))
        {
            flags |= DiaSourceFlags.GlintTrail | DiaSourceFlags.Trail;
        }

        return flags;
    }
}
