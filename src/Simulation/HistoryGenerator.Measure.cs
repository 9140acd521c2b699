using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Simulation;

public sealed partial class HistoryGenerator
{
    private const ulong StreamVariable = 0x5EED_0001UL;
    private const ulong StreamTransient = 0x5EED_0002UL;
    private const ulong StreamFalsePositive = 0x5EED_0003UL;
    private const ulong StreamMoving = 0x5EED_0004UL;
    private const ulong StreamVisit = 0x5EED_0005UL;

    // Electrons per nJy in a 30 s LSST visit (about 1.7 for r): sets the source Poisson noise.
    private const double ElectronsPerNanojansky = 1.7;

    /// <summary>Measures everything one visit sees; depends only on (seed, visit, truth), never on other visits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private VisitDraft Measure(Visit visit)
    {
        var draft = new VisitDraft(visit);
        var geometry = visit.Geometry;
        var t = visit.MidpointMjdTai;
        var band = visit.Band;
        var vrng = new CounterRng(Seed, StreamVisit, (ulong)visit.Index);
        var psf = PsfMoments(visit, ref vrng);

        var vars = Truth.Variables;
        for (var i = 0; i < vars.Count; i++)
        {
            if (!geometry.TryLocate(vars.X[i], vars.Y[i], vars.Z[i], out var det, out var x, out var y))
            {
                continue;
            }

            var rng = new CounterRng(Seed, StreamVariable, (ulong)visit.Index, (ulong)i);
            var flux = vars.Flux(i, band, t);
            var template = vars.MeanFlux[i * Bands.Count + band];
            var d = new Detection { Kind = TruthKind.Variable, TruthIndex = i };
            Fill(ref d.Row, visit, det, x, y, flux, template, ref rng, psf, TruthKind.Variable, 0, 0);
            draft.Detections.Add(d);
            draft.Forced.Add(Forced(TruthKind.Variable, i, det, visit, flux, template, ref rng));
        }

        var tr = Truth.Transients;
        for (var i = 0; i < tr.Count; i++)
        {
            if (t < tr.Begin(i) || t >= tr.End(i) + ForcedPhotometryDays + 1
                || !geometry.TryLocate(tr.X[i], tr.Y[i], tr.Z[i], out var det, out var x, out var y))
            {
                continue;
            }

            var rng = new CounterRng(Seed, StreamTransient, (ulong)visit.Index, (ulong)i);
            var host = tr.HostFlux[i * Bands.Count + band];
            var flux = tr.Flux(i, band, t) + host;
            if (tr.Active(i, t))
            {
                var d = new Detection { Kind = TruthKind.Transient, TruthIndex = i };
                Fill(ref d.Row, visit, det, x, y, flux, host, ref rng, psf, TruthKind.Transient, 0, 0);
                draft.Detections.Add(d);
            }

            draft.Forced.Add(Forced(TruthKind.Transient, i, det, visit, flux, host, ref rng));
        }

        var fpRng = new CounterRng(Seed, StreamFalsePositive, (ulong)visit.Index);
        var wanted = fpRng.StochasticRound(SkyTruth.FalsePositiveDensity * visit.CoveredAreaDeg2);
        var r = Preset.RadiusDeg * 3600.0;
        var frame = Truth.Frame;
        for (int made = 0, tries = 0; made < wanted && tries < 50 * wanted + 100; tries++)
        {
            var rho = r * Math.Sqrt(fpRng.NextDouble());
            var phi = fpRng.Uniform(0, 2 * Math.PI);
            var v = frame.Unproject(rho * Math.Cos(phi), rho * Math.Sin(phi));
            if (!geometry.TryLocate(v.X, v.Y, v.Z, out var det, out var x, out var y))
            {
                continue;
            }

            var rng = new CounterRng(Seed, StreamFalsePositive, (ulong)visit.Index, (ulong)made + 1);
            var d = new Detection { Kind = TruthKind.FalsePositive, TruthIndex = made };
            Fill(ref d.Row, visit, det, x, y, 0, 0, ref rng, psf, TruthKind.FalsePositive, 0, 0);
            draft.Detections.Add(d);
            made++;
        }

        var mv = Truth.MovingObjects;
        for (var i = 0; i < mv.Count; i++)
        {
            var (ra, dec, inside, speed, angle) = mv.Position(frame, i, t);
            if (!inside)
            {
                continue;
            }

            var u = UnitVector.FromRaDec(ra, dec);
            if (!geometry.TryLocate(u.X, u.Y, u.Z, out var det, out var x, out var y))
            {
                continue;
            }

            var rng = new CounterRng(Seed, StreamMoving, (ulong)visit.Index, (ulong)i);
            var d = new Detection { Kind = TruthKind.Moving, TruthIndex = i };
            Fill(ref d.Row, visit, det, x, y, mv.Flux(i, band), 0, ref rng, psf, TruthKind.Moving, speed, angle);
            draft.Detections.Add(d);
        }

        // Row order inside a visit: by detector, then kind, then truth index (the pipeline writes detector by detector).
        draft.Detections.Sort(static (a, b) =>
        {
            var c = a.Row.Detector.CompareTo(b.Row.Detector);
            if (c == 0)
            {
                c = a.Kind.CompareTo(b.Kind);
            }

            return c != 0 ? c : a.TruthIndex.CompareTo(b.TruthIndex);
        });
        draft.Forced.Sort(static (a, b) =>
        {
            var c = a.Detector.CompareTo(b.Detector);
            if (c == 0)
            {
                c = a.Kind.CompareTo(b.Kind);
            }

            return c != 0 ? c : a.TruthIndex.CompareTo(b.TruthIndex);
        });
        return draft;
    }

    private readonly record struct Psf(double SigmaPix, float Ixx, float Iyy, float Ixy);

    private static Psf PsfMoments(Visit visit, ref CounterRng rng)
    {
        var sigma = visit.SeeingArcsec / 2.3548 / CameraLayout.PixelScaleArcsec;
        var s2 = sigma * sigma;
        var e1 = 0.03 * rng.Gaussian();
        var e2 = 0.03 * rng.Gaussian();
        return new Psf(sigma, (float)(s2 * (1 + e1)), (float)(s2 * (1 - e1)), (float)(s2 * e2));
    }

    private static ForcedDraft Forced(TruthKind kind, int index, int detector, Visit visit, double flux, double template, ref CounterRng rng)
    {
        var sky = visit.SkyNoiseNjy;
        var sci = Math.Sqrt(sky * sky + Math.Max(flux, 0) / ElectronsPerNanojansky);
        var diff = Math.Sqrt(sci * sci + 0.25 * sky * sky);
        return new ForcedDraft
        {
            Kind = kind,
            TruthIndex = index,
            Detector = (short)detector,
            PsfFlux = (float)(flux - template + diff * rng.Gaussian()),
            PsfFluxErr = (float)diff,
            ScienceFlux = (float)(flux + sci * rng.Gaussian()),
            ScienceFluxErr = (float)sci,
        };
    }

    /// <summary>Fills every measured column of a DiaSource at a true pixel position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(
        ref DiaSourceRow row, Visit visit, int detector, double x, double y, double flux, double template,
        ref CounterRng rng, Psf psf, TruthKind kind, double speedArcsecPerDay, double motionAngleDeg)
    {
        var sky = visit.SkyNoiseNjy;
        var sciErr = Math.Sqrt(sky * sky + Math.Max(flux, 0) / ElectronsPerNanojansky);
        var tmplErr = 0.5 * sky;
        var diffErr = Math.Sqrt(sciErr * sciErr + tmplErr * tmplErr);
        double psfFlux;
        if (kind == TruthKind.FalsePositive)
        {
            // Artifacts sit just above the 5-sigma threshold, of either sign.
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
        var posErrPix = Math.Max(0.02, fwhmPix / (2.3548 * Math.Max(snr, 3.0)));
        var mx = Math.Clamp(x + posErrPix * rng.Gaussian(), -0.5, CameraLayout.DetectorPixels - 0.51);
        var my = Math.Clamp(y + posErrPix * rng.Gaussian(), -0.5, CameraLayout.DetectorPixels - 0.51);
        var position = visit.Geometry.PixelToSky(detector, mx, my);
        var posErrDeg = posErrPix * CameraLayout.PixelScaleArcsec / 3600.0;
        var bbox = Math.Clamp(2 * (int)(2.0 * fwhmPix * (1.0 + 0.25 * Math.Log10(1.0 + snr))) + 1, 11, 95);
        var ndata = bbox * bbox;
        var chi2 = ndata + Math.Sqrt(2.0 * ndata) * rng.Gaussian();

        row.Visit = visit.VisitId;
        row.Detector = (short)detector;
        row.Band = (byte)visit.Band;
        row.MidpointMjdTai = visit.MidpointMjdTai;
        row.TimeProcessedMjdTai = visit.MidpointMjdTai + (60.0 + 30.0 * rng.NextDouble()) / 86400.0;
        row.ExposureTime = (float)Cadence.ExposureSeconds;
        row.Ra = position.RaDeg;
        row.Dec = position.DecDeg;
        row.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, row.Ra, row.Dec);
        row.RaErr = (float)posErrDeg;
        row.DecErr = (float)(posErrDeg * (1.0 + 0.05 * rng.Gaussian()));
        row.RaDecCov = (float)(0.1 * posErrDeg * posErrDeg * rng.Gaussian());
        row.X = (float)mx;
        row.Y = (float)my;
        row.XErr = (float)posErrPix;
        row.YErr = (float)(posErrPix * (1.0 + 0.05 * rng.Gaussian()));
        row.PsfFlux = (float)psfFlux;
        row.PsfFluxErr = (float)(diffErr * (1.0 + 0.02 * rng.Gaussian()));
        row.Snr = (float)(Math.Abs(psfFlux) / row.PsfFluxErr);
        row.PsfChi2 = (float)chi2;
        row.PsfNdata = ndata;
        row.PsfLnL = (float)(-0.5 * chi2 - ndata * Math.Log(Math.Sqrt(2 * Math.PI) * diffErr / Math.Sqrt(ndata)));
        row.ApFlux = (float)(0.98 * psfFlux + 0.5 * diffErr * rng.Gaussian());
        row.ApFluxErr = (float)(1.25 * diffErr);
        row.ScienceFlux = (float)(flux + sciErr * rng.Gaussian());
        row.ScienceFluxErr = (float)sciErr;
        row.TemplateFlux = (float)(template + tmplErr * rng.Gaussian());
        row.TemplateFluxErr = (float)tmplErr;
        row.BboxSize = bbox;

        var extended = kind switch
        {
            TruthKind.Variable => 0.05 * rng.NextDouble(),
            TruthKind.Transient => template > 0 ? rng.Uniform(0.2, 0.6) : 0.05 * rng.NextDouble(),
            TruthKind.FalsePositive => rng.NextDouble(),
            _ => 0.0,
        };
        var shapeNoise = psf.Ixx / Math.Max(snr, 1.0);
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

        var trailArcsec = kind == TruthKind.Moving
            ? speedArcsecPerDay * Cadence.ExposureSeconds / 86400.0
            : 0.1 * Math.Abs(rng.Gaussian());
        row.TrailFlux = (float)(psfFlux * 1.01 + 0.3 * diffErr * rng.Gaussian());
        row.TrailFluxErr = (float)(1.05 * diffErr);
        row.TrailRa = row.Ra;
        row.TrailDec = row.Dec;
        row.TrailRaErr = (float)(1.1 * posErrDeg);
        row.TrailDecErr = (float)(1.1 * posErrDeg);
        row.TrailLength = (float)(trailArcsec + 0.05 * Math.Abs(rng.Gaussian()));
        row.TrailLengthErr = (float)(0.05 + 0.5 * posErrPix * CameraLayout.PixelScaleArcsec);
        row.TrailAngle = (float)(kind == TruthKind.Moving ? motionAngleDeg : rng.Uniform(-90, 90));
        row.TrailAngleErr = (float)rng.Uniform(1, 30);
        row.TrailChi2 = (float)(ndata + Math.Sqrt(2.0 * ndata) * rng.Gaussian());
        row.TrailNdata = ndata;

        var isDipole = kind == TruthKind.FalsePositive && rng.Chance(0.1);
        row.DipoleMeanFlux = (float)(0.5 * psfFlux + 0.3 * diffErr * rng.Gaussian());
        row.DipoleMeanFluxErr = (float)(0.7 * diffErr);
        row.DipoleFluxDiff = (float)((isDipole ? 2.0 * Math.Abs(psfFlux) : 0.0) + diffErr * rng.Gaussian());
        row.DipoleFluxDiffErr = (float)diffErr;
        row.DipoleLength = (float)(isDipole ? rng.Uniform(0.5, 2.0) : 0.1 * Math.Abs(rng.Gaussian()));
        row.DipoleAngle = (float)rng.Uniform(0, 360);
        row.DipoleChi2 = (float)(ndata + Math.Sqrt(2.0 * ndata) * rng.Gaussian());
        row.DipoleNdata = ndata;

        var flags = DiaSourceFlags.DipoleFitAttempted;
        if (psfFlux < 0)
        {
            flags |= DiaSourceFlags.IsNegative;
        }

        if (isDipole)
        {
            flags |= DiaSourceFlags.IsDipole;
        }

        if (snr < 3)
        {
            flags |= DiaSourceFlags.Centroid;
        }

        if (snr < 5 && rng.Chance(0.3))
        {
            flags |= DiaSourceFlags.Shape | DiaSourceFlags.ShapeNotContained;
        }

        var half = bbox / 2;
        if (mx < half || my < half || mx > CameraLayout.DetectorPixels - 1 - half || my > CameraLayout.DetectorPixels - 1 - half)
        {
            flags |= DiaSourceFlags.PixelEdge | DiaSourceFlags.PsfFluxEdge | DiaSourceFlags.TrailEdge | DiaSourceFlags.ForcedPsfFluxEdge
                | DiaSourceFlags.ApFluxApertureTruncated;
        }

        if (flux > 1.5e6)
        {
            flags |= DiaSourceFlags.PixelSaturated | DiaSourceFlags.PixelSaturatedCenter;
        }

        if (kind == TruthKind.FalsePositive)
        {
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
        }

        if (rng.Chance(kind == TruthKind.FalsePositive ? 0.1 : 0.01))
        {
            flags |= DiaSourceFlags.PixelInterpolated | (rng.Chance(0.3) ? DiaSourceFlags.PixelInterpolatedCenter : 0);
        }

        const DiaSourceFlags AnyPixel = DiaSourceFlags.PixelBad | DiaSourceFlags.PixelCr | DiaSourceFlags.PixelEdge
            | DiaSourceFlags.PixelInterpolated | DiaSourceFlags.PixelSaturated | DiaSourceFlags.PixelSuspect | DiaSourceFlags.PixelStreak;
        if ((flags & AnyPixel) != 0)
        {
            flags |= DiaSourceFlags.PixelFlags;
        }

        row.Flags = flags;
    }
}
