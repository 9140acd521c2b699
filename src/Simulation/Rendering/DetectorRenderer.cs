using System.Collections.Concurrent;
using System.Diagnostics;
using Apdb.Imaging;
using Apdb.Sky;

namespace Apdb.Simulation.Rendering;

/// <summary>
/// Renders detector-visits from the same <see cref="SkyTruth"/> the history loader uses: raw science exposures (bias
/// and overscan, dark, flat, gain, read noise, sky, Poisson noise, a Gaussian PSF from the visit's seeing that varies a
/// few percent across the detector, static stars, transient hosts as small galaxies, variables and transients at their
/// flux on the date, moving objects at their position at mid-exposure, cosmic rays, saturation, a bad column), a deeper
/// template on its own rotated grid, the reference catalog and the truth. Deterministic for (seed, visit, detector);
/// only sources on the window are drawn, as stamps; per-pixel passes run on parallel rows. Thread-safe.
/// </summary>
public sealed class DetectorRenderer
{
    private const double Half = (CameraLayout.DetectorPixels - 1) / 2.0;
    private const double HostSigmaPixels = 1.5;
    private const int MaxCachedCalibrations = 4;
    private readonly SkyTruth _truth;
    private readonly RenderOptions _options;
    private readonly Lazy<(UnitVector[] Vectors, double[] Flux, SkyPosition[] Positions)> _stars;
    private readonly ConcurrentDictionary<(int, int, int, int, int), CalibrationFrames> _calibration = new();

    /// <summary>Creates a renderer over a sky truth.</summary>
    public DetectorRenderer(SkyTruth truth, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        _truth = truth;
        _options = options ?? new RenderOptions();
        _stars = new Lazy<(UnitVector[], double[], SkyPosition[])>(() =>
        {
            var list = _truth.StaticStars(_options.StarDensityPerDeg2);
            return ([.. list.Select(s => s.Position.ToUnitVector())], [.. list.Select(s => AstroConstants.AbMagnitudeToNanojansky(s.RMag))], [.. list.Select(s => s.Position)]);
        });
    }

    /// <summary>The options.</summary>
    public RenderOptions Options => _options;

    /// <summary>The sky truth.</summary>
    public SkyTruth Truth => _truth;

    /// <summary>The calibration frames of a detector for the configured window (a few cached: they are per-detector constants).</summary>
    public CalibrationFrames Calibration(int detector)
    {
        var (x0, y0, w, h) = WindowOf();
        var key = (detector, x0, y0, w, h);
        if (_calibration.TryGetValue(key, out var cached))
        {
            return cached;
        }

        // A full detector's calibration frames are three 4096^2 float planes (bias, dark, flat): keep a few (the
        // detectors in flight) and rebuild the others, which costs far less than holding every detector's frames.
        if (_calibration.Count >= MaxCachedCalibrations)
        {
            _calibration.Clear();
        }

        return _calibration.GetOrAdd(key, _ => CalibrationFrames.Build(_truth.Seed, detector, x0, y0, w, h, _options.DarkCurrent));
    }

    /// <summary>Renders one detector of one visit.</summary>
    public RenderedDetector Render(Visit visit, int detector)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentOutOfRangeException.ThrowIfNegative(detector);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(detector, CameraLayout.DetectorCount);
        var clock = Stopwatch.StartNew();
        var (x0, y0, w, h) = WindowOf();
        var calibration = Calibration(detector);

        // Geometry: the detector's TAN (exact for VisitGeometry's per-detector tangent frame) plus a small SIP distortion.
        var trueWcs = TrueWcs(visit, detector, x0, y0);
        var rng = new CounterRng(_truth.Seed, 0x1A17_0001UL, (ulong)visit.VisitId, (ulong)detector);
        var initialWcs = Perturbed(trueWcs, ref rng);
        var fwhm0 = visit.SeeingArcsec / CameraLayout.PixelScaleArcsec;
        var nanojanskyPerElectron = NanojanskyPerElectron(visit.Band);
        var sky = SkyElectrons(visit, fwhm0, nanojanskyPerElectron);
        var canvas = NewCanvas(trueWcs, x0, y0, w, h, fwhm0, nanojanskyPerElectron, ref rng);
        var reference = DrawSources(canvas, visit);
        var cosmic = CosmicRays(w, h, ref rng, out var crCount);
        var raw = Digitize(visit, detector, calibration, canvas, sky, cosmic);
        return new RenderedDetector
        {
            Visit = visit,
            Detector = detector,
            Origin = (x0, y0),
            Raw = RawExposure(visit, detector, canvas, raw, initialWcs),
            OverscanColumns = _options.OverscanColumns,
            Calibration = calibration,
            Template = TemplateExposure(visit, detector, canvas),
            TrueWcs = trueWcs,
            InitialWcs = initialWcs,
            ReferenceCatalog = reference,
            Truth = canvas.Truth,
            NanojanskyPerElectron = nanojanskyPerElectron,
            SkyElectrons = sky,
            ScienceFwhmPixels = fwhm0,
            TemplateFwhmPixels = canvas.TemplateFwhm,
            CosmicRays = crCount,
            RenderSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Sky electrons per pixel from the visit's point-source depth: sigma_F = sigma_pix * sqrt(4 pi sigma^2) for a
    /// sky-limited Gaussian PSF. The band's response (nJy per electron) makes the reference sky level give the 0.7" depth.
    /// </summary>
    private double SkyElectrons(Visit visit, double fwhm0, double nanojanskyPerElectron)
    {
        var nea = 4 * Math.PI * Math.Pow(fwhm0 / GaussianPsf.FwhmPerSigma, 2);
        var pixelNoiseElectrons = visit.SkyNoiseNjy / Math.Sqrt(nea) / nanojanskyPerElectron;
        return Math.Max((pixelNoiseElectrons * pixelNoiseElectrons) - (_options.ReadNoise * _options.ReadNoise), 10.0);
    }

    /// <summary>
    /// The empty science window and template grid. The template is rotated against the detector by a multiple of 90
    /// degrees plus up to +/-10 degrees (arbitrary angles would need a template twice the detector's area at 45 degrees),
    /// sized to cover the rotated window plus a margin; its CD is the detector's, turned by that angle on the sky.
    /// </summary>
    private SceneCanvas NewCanvas(TanWcs trueWcs, int x0, int y0, int w, int h, double fwhm0, double nanojanskyPerElectron, ref CounterRng rng)
    {
        var margin = _options.TemplateMargin;
        var centre = trueWcs.PixelToSky((w - 1) / 2.0, (h - 1) / 2.0);
        var theta = (rng.NextInt(4) * Math.PI / 2) + rng.Uniform(-10 * Math.PI / 180, 10 * Math.PI / 180);
        var (absSin, absCos) = (Math.Abs(Math.Sin(theta)), Math.Abs(Math.Cos(theta)));
        var tw = (int)Math.Ceiling((w * absCos) + (h * absSin)) + (2 * margin);
        var th = (int)Math.Ceiling((w * absSin) + (h * absCos)) + (2 * margin);
        var (sinT, cosT) = Math.SinCos(theta);
        var cdTrue = trueWcs.Cd;
        double[] cdTemplate =
        [
            (cosT * cdTrue[0]) - (sinT * cdTrue[2]), (cosT * cdTrue[1]) - (sinT * cdTrue[3]),
            (sinT * cdTrue[0]) + (cosT * cdTrue[2]), (sinT * cdTrue[1]) + (cosT * cdTrue[3]),
        ];
        var templateWcs = new TanWcs((tw + 1) / 2.0, (th + 1) / 2.0, centre, cdTemplate);
        var templateFwhm = _options.TemplateSeeingArcsec / CameraLayout.PixelScaleArcsec;
        return new SceneCanvas(trueWcs, x0, y0, w, h, fwhm0, nanojanskyPerElectron, templateWcs, tw, th, templateFwhm, Half);
    }

    /// <summary>
    /// Draws every truth source within the window's circumscribed cone: static stars (returning those on the window,
    /// with a 10-pixel margin, as the reference catalog), variables, transients and their hosts, moving objects at
    /// mid-exposure, and the injections.
    /// </summary>
    private List<ReferenceStar> DrawSources(SceneCanvas canvas, Visit visit)
    {
        var (w, h) = (canvas.Width, canvas.Height);
        var centre = canvas.ScienceWcs.PixelToSky((w - 1) / 2.0, (h - 1) / 2.0);
        var radiusDeg = (Math.Sqrt(((double)w * w) + ((double)h * h)) / 2.0 * CameraLayout.PixelScaleArcsec / 3600.0) + 0.01;
        var cosRadius = Math.Cos(radiusDeg * Math.PI / 180.0);
        var c = centre.ToUnitVector();
        var reference = DrawStars(canvas, c, cosRadius);
        DrawVariables(canvas, visit, c, cosRadius);
        DrawTransients(canvas, visit, c, cosRadius);
        for (var i = 0; i < _truth.MovingObjects.Count; i++)
        {
            var position = _truth.MovingPosition(i, visit.MidpointMjdTai);
            var v = position.ToUnitVector();
            if ((v.X * c.X) + (v.Y * c.Y) + (v.Z * c.Z) >= cosRadius)
            {
                canvas.Place(RenderedKind.Moving, i, position, _truth.MovingFlux(i, visit.Band), 0, 0);
            }
        }

        for (var i = 0; i < _options.Injections.Count; i++)
        {
            var (ix, iy, flux) = _options.Injections[i];
            canvas.Inject(i, ix, iy, flux);
        }

        return reference;
    }

    private List<ReferenceStar> DrawStars(SceneCanvas canvas, UnitVector c, double cosRadius)
    {
        var reference = new List<ReferenceStar>();
        var (starVectors, starFlux, starPositions) = _stars.Value;
        for (var i = 0; i < starVectors.Length; i++)
        {
            var v = starVectors[i];
            if ((v.X * c.X) + (v.Y * c.Y) + (v.Z * c.Z) < cosRadius)
            {
                continue;
            }

            canvas.Place(RenderedKind.Star, i, starPositions[i], starFlux[i], starFlux[i], 0);
            if (canvas.ScienceWcs.TrySkyToPixel(starPositions[i], out var rx, out var ry) && rx > -10 && ry > -10 && rx < canvas.Width + 10 && ry < canvas.Height + 10)
            {
                reference.Add(new ReferenceStar(i, starPositions[i].RaDeg, starPositions[i].DecDeg, starFlux[i]));
            }
        }

        return reference;
    }

    private void DrawVariables(SceneCanvas canvas, Visit visit, UnitVector c, double cosRadius)
    {
        var variables = _truth.Variables;
        for (var i = 0; i < variables.Count; i++)
        {
            if ((variables.X[i] * c.X) + (variables.Y[i] * c.Y) + (variables.Z[i] * c.Z) >= cosRadius)
            {
                canvas.Place(RenderedKind.Variable, i, _truth.VariablePosition(i), variables.Flux(i, visit.Band, visit.MidpointMjdTai), _truth.VariableTemplateFlux(i, visit.Band), 0);
            }
        }
    }

    private void DrawTransients(SceneCanvas canvas, Visit visit, UnitVector c, double cosRadius)
    {
        var transients = _truth.Transients;
        var band = visit.Band;
        for (var i = 0; i < transients.Count; i++)
        {
            if ((transients.X[i] * c.X) + (transients.Y[i] * c.Y) + (transients.Z[i] * c.Z) < cosRadius)
            {
                continue;
            }

            var position = _truth.TransientPosition(i);
            var host = transients.HostFlux[(i * Bands.Count) + band];
            if (host > 0)
            {
                canvas.Place(RenderedKind.Host, i, position, host, host, HostSigmaPixels);
            }

            var flux = transients.Flux(i, band, visit.MidpointMjdTai);
            if (flux > 0)
            {
                canvas.Place(RenderedKind.Transient, i, position, flux, 0, 0);
            }
        }
    }

    /// <summary>Cosmic rays: short straight tracks deposited in the silicon (not flat-fielded), electrons per pixel.</summary>
    private float[] CosmicRays(int w, int h, ref CounterRng rng, out int count)
    {
        var cosmic = new float[w * h];
        count = rng.StochasticRound(_options.CosmicRaysPerMegapixel * w * h / 1e6);
        for (var n = 0; n < count; n++)
        {
            var x = rng.Uniform(0, w);
            var y = rng.Uniform(0, h);
            var length = 1 + rng.NextInt(6);
            var angle = rng.Uniform(0, Math.PI);
            var energy = rng.Uniform(300, 3000);
            for (var step = 0; step < length; step++)
            {
                var ix = (int)(x + (step * Math.Cos(angle)));
                var iy = (int)(y + (step * Math.Sin(angle)));
                if (ix >= 0 && iy >= 0 && ix < w && iy < h)
                {
                    cosmic[(iy * w) + ix] += (float)energy;
                }
            }
        }

        return cosmic;
    }

    /// <summary>
    /// The raw pixels, per pixel: electrons = flat * (sky + sources) + dark * t + cosmic rays; Poisson and read noise as
    /// one Gaussian (the sky alone is ~1000 e-, where the Gaussian approximation of the Poisson law is exact enough);
    /// full well; ADU = overscan level + bias structure + e / gain, rounded, clipped at 16 bits; a dead column; then the
    /// overscan columns at the right.
    /// </summary>
    private float[] Digitize(Visit visit, int detector, CalibrationFrames calibration, SceneCanvas canvas, double sky, float[] cosmic)
    {
        var o = _options;
        var (y0, w, h) = (canvas.Y0, canvas.Width, canvas.Height);
        var os = o.OverscanColumns;
        var rw = w + os;
        var raw = new float[rw * h];
        var signal = canvas.Signal;
        var exposureTime = visit.ExposureTimeSeconds;
        var badColumns = calibration.BadColumns;
        var seed = _truth.Seed;
        var visitKey = (ulong)visit.VisitId;
        Parallel.For(0, h, Parallelism(), j =>
        {
            var noise = new CounterRng(seed, 0x401C_0000UL | (ulong)detector, visitKey, (ulong)(y0 + j));
            var level = o.BiasLevel + (3.0 * Math.Sin((2 * Math.PI * (y0 + j) / 4096.0) + (detector * 0.1)));
            var row = j * w;
            var rawRow = j * rw;
            for (var i = 0; i < w; i++)
            {
                var k = row + i;
                var lambda = (calibration.Flat[k] * (sky + signal[k])) + (calibration.Dark[k] * exposureTime) + cosmic[k];
                var e = lambda + (Math.Sqrt(lambda + (o.ReadNoise * o.ReadNoise)) * noise.Gaussian());
                e = Math.Min(e, o.FullWell);
                var adu = level + calibration.Bias[k] + (e / o.Gain);
                raw[rawRow + i] = (float)Math.Clamp(Math.Round(adu), 0, 65535);
            }

            foreach (var b in badColumns)
            {
                // A dead column: a tenth of the response.
                raw[rawRow + b] = (float)Math.Round(level + calibration.Bias[row + b] + (0.1 * (raw[rawRow + b] - level - calibration.Bias[row + b])));
            }

            for (var i = 0; i < os; i++)
            {
                raw[rawRow + w + i] = (float)Math.Round(level + (o.ReadNoise / o.Gain * noise.Gaussian()));
            }
        });
        return raw;
    }

    private ParallelOptions Parallelism() => new() { MaxDegreeOfParallelism = _options.Parallelism ?? Environment.ProcessorCount };

    /// <summary>The template exposure: the sources already drawn in nJy plus white noise of the co-add depth.</summary>
    private Exposure TemplateExposure(Visit visit, int detector, SceneCanvas canvas)
    {
        var o = _options;
        var band = visit.Band;
        var (tw, th, template) = (canvas.TemplateWidth, canvas.TemplateHeight, canvas.Template);
        var seed = _truth.Seed;
        var templateSigma = AstroConstants.AbMagnitudeToNanojansky(SurveyBands.Depth(band)) / 5.0 / Math.Sqrt(4 * Math.PI * Math.Pow(0.7 / CameraLayout.PixelScaleArcsec / GaussianPsf.FwhmPerSigma, 2)) / o.TemplateDepthFactor;
        Parallel.For(0, th, Parallelism(), j =>
        {
            var noise = new CounterRng(seed, 0x7E41_0000UL | (ulong)detector, (ulong)band, (ulong)j);
            for (var i = 0; i < tw; i++)
            {
                template[(j * tw) + i] += (float)(templateSigma * noise.Gaussian());
            }
        });
        var templateVariance = new float[tw * th];
        Array.Fill(templateVariance, (float)(templateSigma * templateSigma));
        var templateExposure = new Exposure(tw, th, template, templateVariance)
        {
            Wcs = canvas.TemplateWcs,
            Psf = new GaussianPsf(canvas.TemplateFwhm),
            PhotoCalib = PhotoCalib.Identity,
        };
        templateExposure.Metadata.Set("BUNIT", "nJy", "pixel values are nJy");
        templateExposure.Metadata.Set("FILTER", visit.BandLetter.ToString());
        templateExposure.Metadata.Set("PSFFWHM", canvas.TemplateFwhm, "[pixel] template PSF FWHM");
        return templateExposure;
    }

    /// <summary>The raw exposure with the header a camera writes (gain, noise, saturation, overscan, time, band, ids).</summary>
    private Exposure RawExposure(Visit visit, int detector, SceneCanvas canvas, float[] raw, TanWcs initialWcs)
    {
        var o = _options;
        var os = o.OverscanColumns;

        // A little below the full-well level in ADU, so the bias drift (a few ADU) cannot lift a full pixel past it.
        var saturateAdu = Math.Min(65535.0, o.BiasLevel - 20 + (o.FullWell / o.Gain));
        var rawExposure = new Exposure(canvas.Width + os, canvas.Height, raw) { Wcs = initialWcs };
        var header = rawExposure.Metadata;
        header.Set("GAIN", o.Gain, "[e-/ADU]");
        header.Set("RDNOISE", o.ReadNoise, "[e-] read noise");
        header.Set("SATURATE", saturateAdu, "[ADU] saturation level");
        header.Set("OVERSCAN", (long)os, "overscan columns at the right");
        header.Set("EXPTIME", visit.ExposureTimeSeconds, "[s]");
        header.Set("MJD-AVG", visit.MidpointMjdTai, "exposure midpoint, MJD TAI");
        header.Set("FILTER", visit.BandLetter.ToString());
        header.Set("VISIT", visit.VisitId);
        header.Set("DETECTOR", (long)detector);
        header.Set("CCDNAME", CameraLayout.Name(detector));
        header.Set("SEEING", visit.SeeingArcsec, "[arcsec] PSF FWHM at the detector centre");
        header.Set("WINX0", (long)canvas.X0, "window origin in the detector");
        header.Set("WINY0", (long)canvas.Y0, "window origin in the detector");
        return rawExposure;
    }

    /// <summary>The system response of a band: nJy per electron, from the band's 0.7" depth and reference sky level.</summary>
    public double NanojanskyPerElectron(int band)
    {
        var pixelNoiseNjy = AstroConstants.AbMagnitudeToNanojansky(SurveyBands.Depth(band)) / 5.0 / Math.Sqrt(4 * Math.PI * Math.Pow(0.7 / CameraLayout.PixelScaleArcsec / GaussianPsf.FwhmPerSigma, 2));
        return pixelNoiseNjy / Math.Sqrt(_options.SkyElectronsPerBand[band] + (_options.ReadNoise * _options.ReadNoise));
    }

    /// <summary>
    /// The true WCS of a detector window: VisitGeometry's per-detector gnomonic frame as a FITS TAN (CRPIX at the
    /// detector centre), with, when distortion is on, a cubic radial SIP term of one pixel at the corners and a small
    /// quadratic term.
    /// </summary>
    public TanWcs TrueWcs(Visit visit, int detector, int x0 = 0, int y0 = 0)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var geometry = visit.Geometry;
        var centre = geometry.PixelToSky(detector, Half, Half);
        // The detector's +y direction on the sky gives the rotation (xi east, eta north; det(CD) > 0 as VisitGeometry).
        var frame = new TangentFrame(centre);
        var up = geometry.PixelToSky(detector, Half, Half + 1000).ToUnitVector();
        frame.Project(up.X, up.Y, up.Z, out var dxi, out var deta);
        var rho = Math.Atan2(dxi, deta);
        var (sin, cos) = Math.SinCos(rho);
        var s = CameraLayout.PixelScaleArcsec / 3600.0;
        double[] cd = [s * cos, s * sin, -s * sin, s * cos];
        var crpix1 = Half + 1 - x0;
        var crpix2 = Half + 1 - y0;
        if (!_options.Distortion)
        {
            return new TanWcs(crpix1, crpix2, centre, cd);
        }

        var k = 1.0 / Math.Pow(2896.0, 3);
        var a = new double[4, 4];
        var b = new double[4, 4];
        a[3, 0] = k;
        a[1, 2] = k;
        b[2, 1] = k;
        b[0, 3] = k;
        a[2, 0] = 1.5e-8;
        b[1, 1] = 1.0e-8;
        return new TanWcs(crpix1, crpix2, centre, cd, new SipPolynomial(3, a), new SipPolynomial(3, b));
    }

    private static TanWcs Perturbed(TanWcs truth, ref CounterRng rng)
    {
        // The pointing model: about 1" off, 0.005 degrees of rotation, 1e-4 of scale; no distortion model.
        var dxi = rng.Gaussian();
        var deta = rng.Gaussian();
        var frame = new TangentFrame(truth.Crval);
        var crval = frame.Unproject(dxi, deta).ToSkyPosition();
        var rotation = rng.Gaussian() * 0.005 * Math.PI / 180.0;
        var scale = 1.0 + (1e-4 * rng.Gaussian());
        var (sin, cos) = Math.SinCos(rotation);
        var cd = truth.Cd;
        double[] perturbed =
        [
            scale * ((cos * cd[0]) - (sin * cd[2])), scale * ((cos * cd[1]) - (sin * cd[3])),
            scale * ((sin * cd[0]) + (cos * cd[2])), scale * ((sin * cd[1]) + (cos * cd[3])),
        ];
        return new TanWcs(truth.Crpix1, truth.Crpix2, crval, perturbed);
    }

    private (int X0, int Y0, int Width, int Height) WindowOf()
    {
        if (_options.Window is not { } window)
        {
            return (0, 0, CameraLayout.DetectorPixels, CameraLayout.DetectorPixels);
        }

        if (window.X0 < 0 || window.Y0 < 0 || window.Width < 16 || window.Height < 16
            || window.X0 + window.Width > CameraLayout.DetectorPixels || window.Y0 + window.Height > CameraLayout.DetectorPixels)
        {
            throw new ArgumentException($"the window ({window.X0}, {window.Y0}, {window.Width} x {window.Height}) is not inside the 4096 x 4096 detector (16 pixels at least)");
        }

        return window;
    }
}
