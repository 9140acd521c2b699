using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Apdb.Cli.Tables;
using Apdb.ForcedPhot;
using Apdb.Imaging;
using Apdb.Sky;

namespace Apdb.Cli.Commands;

/// <summary><c>forced-phot</c>: PSF-amplitude forced photometry at fixed positions on any FITS image.</summary>
internal static class ForcedPhotCommand
{
    private const string FlagHelp =
        "Output flags (sum of bits): 1 edge (stamp partly off the image), 2 noGoodPixels (nothing usable under the PSF; flux NaN), " +
        "4 offImage (position off the image; flux NaN), 8 blendedFit (fitted jointly with neighbours closer than 2 FWHM), " +
        "16 maskedPixels (some stamp pixels excluded by BAD/SAT/CR/EDGE/NO_DATA masks or NaN).";

    private static Stopwatch CommandClock { get; set; } = new();

    /// <summary>
    /// The header keyword in which <c>subtract</c> records an image's PSF FWHM (pixels), used when the image has no star
    /// to estimate the PSF from (a difference image).
    /// </summary>
    internal const string PsfFwhmKeyword = "PSFFWHM";

    /// <summary>The PSF FWHM recorded in the image's header or the primary header, when positive.</summary>
    private static double? RecordedPsfFwhm(string path, Exposure exposure) =>
        (exposure.Metadata.GetDouble(PsfFwhmKeyword) ?? FitsFile.ReadHeaders(path)[0].Header.GetDouble(PsfFwhmKeyword)) is > 0 and var fwhm ? fwhm : null;

    public static void AddTo(RootCommand root)
    {
        var image = new Option<string>("--image") { Description = "FITS image (primary HDU or IMAGE extension; MASK/VARIANCE extensions are used when present)", Required = true };
        var positions = new Option<string>("--positions") { Description = "CSV with a header: 'id,x,y' (0-based pixels, centres on integers) or 'id,ra,dec' (degrees, through the image's TAN/SIP WCS)", Required = true };
        var fwhm = new Option<double?>("--psf-fwhm") { Description = "Use a Gaussian PSF of this FWHM in pixels instead of estimating the PSF from the image's stars" };
        var hdu = HduOption.Create();
        var output = new Option<string>("--out") { Description = "Output table, format by extension (" + TableFile.Extensions + "): id,x,y,psfFlux,psfFluxErr,chi2,flags and Rubin's boolean flag columns. " + FlagHelp, Required = true };
        var estimator = new Option<string>("--estimator") { Description = "weighted (default: sum(PD/V)/sum(P^2/V), optimal for uncorrelated noise) or unweighted (Rubin's sum(PD)/sum(P^2))", DefaultValueFactory = _ => "weighted" };
        var rescale = new Option<bool>("--rescale-errors") { Description = "Scale errors by the robust sigma of flux/err at random blank-sky positions (for difference images with correlated noise)" };
        var noBackground = new Option<bool>("--no-background") { Description = "Do not subtract the mesh background estimate (use for images already background-subtracted)" };
        var command = new Command("forced-phot", "PSF-amplitude forced photometry at fixed positions (no centroiding); nJy when the header calibrates, else image units")
        {
            image, positions, fwhm, hdu, output, estimator, rescale, noBackground,
        };
        var options = new ForcedPhotCommandOptions(image, positions, fwhm, hdu, output, estimator, rescale, noBackground);
        CommandRunner.SetAction(command, (parse, context, ct) => Task.FromResult(Run(parse, context, options, ct)));
        root.Subcommands.Add(command);
    }

    /// <summary>The command's options, read by <see cref="Run"/>.</summary>
    private sealed record ForcedPhotCommandOptions(
        Option<string> Image, Option<string> Positions, Option<double?> Fwhm, Option<string?> Hdu, Option<string> Output,
        Option<string> Estimator, Option<bool> Rescale, Option<bool> NoBackground);

    private static int Run(ParseResult parse, CliContext context, ForcedPhotCommandOptions o, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        CommandClock = clock;
        var imagePath = parse.GetValue(o.Image)!;
        var positionsPath = parse.GetValue(o.Positions)!;
        var outPath = parse.GetValue(o.Output)!;
        OutputFile.RefuseInputs(outPath, ("--image", imagePath), ("--positions", positionsPath));
        TableFile.Check(outPath);
        var fluxEstimator = ParseEstimator(parse.GetValue(o.Estimator));
        var givenFwhm = parse.GetValue(o.Fwhm);
        if (givenFwhm is { } f && !(f > 0 && f < 1000))
        {
            throw new ApdbUserException($"--psf-fwhm {f.ToString(CultureInfo.InvariantCulture)} must be a number of pixels in (0, 1000)");
        }

        var targets = ReadPositions(positionsPath, ct);
        var readSeconds = clock.Elapsed.TotalSeconds;
        var loaded = ExposureFits.Read(imagePath, HduOption.Resolve(imagePath, parse.GetValue(o.Hdu)), subtractBackground: !parse.GetValue(o.NoBackground));
        var exposure = loaded.Exposure;
        var loadSeconds = clock.Elapsed.TotalSeconds - readSeconds;
        var (x, y) = PixelPositions(targets, loaded, positionsPath, imagePath);

        var psfClock = Stopwatch.StartNew();
        string psfDescription = "none (no positions)";
        double errorScale = 1.0;
        double psfSeconds = 0;
        ForcedMeasurement[] results = [];
        if (x.Length > 0)
        {
            exposure.Psf = givenFwhm is { } given ? new GaussianPsf(given) : EstimatePsf(imagePath, exposure);
            psfDescription = exposure.Psf.Description;
            psfSeconds = psfClock.Elapsed.TotalSeconds;
            var options = new ForcedPhotOptions { Estimator = fluxEstimator };
            if (parse.GetValue(o.Rescale))
            {
                errorScale = ErrorRescale.FromBlankSky(exposure, options, x, y);
                options = options with { ErrorScale = errorScale };
            }

            results = new PsfAmplitudeFitter(options).Measure(exposure, x, y);
        }

        var fitSeconds = clock.Elapsed.TotalSeconds - readSeconds - loadSeconds - psfSeconds;
        var writeStart = clock.Elapsed.TotalSeconds;
        TableFile.Write(outPath, SourceTables.ForcedPhotometry(targets.Ids, results, exposure.PhotoCalib is not null));
        var writeSeconds = clock.Elapsed.TotalSeconds - writeStart;
        if (context.Json)
        {
            context.WriteJson(new
            {
                image = imagePath,
                hdu = loaded.Hdu,
                positions = x.Length,
                measured = results.Count(r => double.IsFinite(r.Flux)),
                flagged = results.Count(r => r.Flags != ForcedPhotFlags.None),
                psf = psfDescription,
                estimator = fluxEstimator.ToString().ToLowerInvariant(),
                errorScale,
                units = exposure.PhotoCalib is null ? "image units (no calibration in the header)" : "nJy",
                variance = loaded.VarianceSource,
                // fit excludes the PSF estimate (psf); total is from the command's start, startup the runtime's
                // time before it (process start to command start).
                seconds = new
                {
                    startup = StartupSeconds(),
                    readPositions = readSeconds,
                    loadImage = loadSeconds,
                    psf = psfSeconds,
                    fit = fitSeconds,
                    write = writeSeconds,
                    total = clock.Elapsed.TotalSeconds,

                    // Of all the above, the JIT's compilation time (every thread): what ReadyToRun code did not cover.
                    jit = System.Runtime.JitInfo.GetCompilationTime().TotalSeconds,
                },
            });
        }
        else
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{x.Length} positions, {results.Count(r => double.IsFinite(r.Flux))} measured, {results.Count(r => r.Flags != ForcedPhotFlags.None)} flagged in {imagePath} (HDU {loaded.Hdu}, PSF {psfDescription}, fluxes in {(exposure.PhotoCalib is null ? "image units" : "nJy")}) -> {outPath}"));
        }

        return CommandRunner.Success;
    }

    private static FluxEstimator ParseEstimator(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "weighted" => FluxEstimator.Weighted,
        "unweighted" => FluxEstimator.Unweighted,
        var other => throw new ApdbUserException($"--estimator {UserText.Quote(other)} is not 'weighted' or 'unweighted'"),
    };

    /// <summary>The targets in pixels: as given, or ra,dec through the image's WCS (converted in place).</summary>
    private static (double[] X, double[] Y) PixelPositions(Targets targets, LoadedExposure loaded, string positionsPath, string imagePath)
    {
        var x = targets.X;
        var y = targets.Y;
        if (targets.Sky)
        {
            var wcs = loaded.Exposure.Wcs ?? throw new ApdbUserException($"{positionsPath}: positions are ra,dec but {imagePath} has no usable WCS ({loaded.WcsProblem})");
            for (var i = 0; i < x.Length; i++)
            {
                (x[i], y[i]) = wcs.SkyToPixel(SkyPosition.FromDegrees(targets.X[i], targets.Y[i]));
            }
        }

        return (x, y);
    }

    /// <summary>The PSF estimated from the image's stars, or else the FWHM the image's header records.</summary>
    private static Psf EstimatePsf(string imagePath, Exposure exposure)
    {
        try
        {
            return new PsfEstimator().EstimateFromVariance(exposure.Image, exposure.Width, exposure.Height, exposure.Variance, exposure.Mask, (int)MaskPlanes.Unusable).Psf;
        }
        catch (InvalidOperationException) when (RecordedPsfFwhm(imagePath, exposure) is { } recorded)
        {
            // A difference image has no stars to measure its PSF on; the subtraction that made it records it.
            return new GaussianPsf(recorded);
        }
        catch (InvalidOperationException ex)
        {
            throw new ApdbUserException($"{imagePath}: cannot estimate the PSF: {ex.Message}; pass --psf-fwhm");
        }
    }

    private sealed record Targets(string[] Ids, double[] X, double[] Y, bool Sky);

    private static Targets ReadPositions(string path, CancellationToken ct)
    {
        using var table = CsvTable.OpenFile(path);
        var id = table.Find("id");
        var a = table.Find("x");
        var b = table.Find("y");
        var sky = false;
        if (a < 0 || b < 0)
        {
            a = table.Find("ra");
            b = table.Find("dec");
            sky = true;
        }

        if (id < 0 || a < 0 || b < 0)
        {
            throw new ApdbUserException($"{path}:1: header {UserText.Quote(table.HeaderText)} needs the columns id,x,y or id,ra,dec");
        }

        var ids = new List<string>();
        var xs = new List<double>();
        var ys = new List<double>();
        while (table.Read())
        {
            ct.ThrowIfCancellationRequested();
            var u = table.Double(a);
            var v = table.Double(b);
            if (!double.IsFinite(u) || !double.IsFinite(v))
            {
                throw table.Bad(double.IsFinite(u) ? b : a, "is not finite");
            }

            if (sky && !(Math.Abs(v) <= 90))
            {
                throw table.Bad(b, "is outside [-90, 90]");
            }

            ids.Add(table.String(id));
            xs.Add(u);
            ys.Add(v);
        }

        return new Targets([.. ids], [.. xs], [.. ys], sky);
    }

    private static double StartupSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return Math.Max(0, (DateTime.Now - process.StartTime).TotalSeconds - CommandClock.Elapsed.TotalSeconds);
    }
}
