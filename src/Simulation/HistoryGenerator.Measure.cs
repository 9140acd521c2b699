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
            if (!Preset.Contains(v.X, v.Y, v.Z) || !geometry.TryLocate(v.X, v.Y, v.Z, out var det, out var x, out var y))
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
            if (!Preset.Contains(u.X, u.Y, u.Z) || !geometry.TryLocate(u.X, u.Y, u.Z, out var det, out var x, out var y))
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
        var sigma = visit.SeeingArcsec / AstroConstants.FwhmPerSigma / CameraLayout.PixelScaleArcsec;
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
}
