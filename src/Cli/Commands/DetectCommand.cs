using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Apdb.Frontend;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>detect --image F.fits [--threshold 5] [--both-signs] [--hdu N] --out C.csv</c>: background, detection and
/// measurement on any FITS image; CSV columns <c>id,x,y,ra,dec,psfFlux,psfFluxErr,apFlux,apFluxErr,snr,ixx,iyy,ixy,flags</c>.
/// </summary>
internal static class DetectCommand
{
    private const string Columns = "id,x,y,ra,dec,psfFlux,psfFluxErr,apFlux,apFluxErr,snr,ixx,iyy,ixy,flags";

    public static void AddTo(RootCommand root)
    {
        var image = new Option<string>("--image") { Description = "FITS image (primary HDU or IMAGE extension; MASK/VARIANCE extensions are used when present)", Required = true };
        var threshold = new Option<double>("--threshold") { Description = "Detection threshold in sigma of the PSF-matched S/N image", DefaultValueFactory = _ => 5.0 };
        var bothSigns = new Option<bool>("--both-signs") { Description = "Also detect negative sources (difference images)" };
        var hdu = new Option<int?>("--hdu") { Description = "HDU index of the image (0 = primary); default: the first HDU holding a 2-D image" };
        var output = new Option<string>("--out") { Description = "Output CSV: " + Columns, Required = true };
        var keepCosmicRays = new Option<bool>("--keep-cosmic-rays") { Description = "Do not mask pixels sharper than the PSF (cosmic rays) before detection" };
        var command = new Command("detect",
            "Background (64-px meshes, clipped mode), cosmic-ray masking (pixels sharper than the PSF), detection on a PSF-matched S/N image (8-connected footprints, peak " +
            "deblending), measurement (weighted centroid, PSF flux sum(PD)/sum(P^2), aperture flux in 3 FWHM, second moments). " +
            "Pixel coordinates 0-based; ra/dec (degrees) empty without a TAN WCS; fluxes in nJy when the header calibrates, else " +
            "image units; snr is the detection S/N (negative for negative sources); ixx/iyy/ixy in pixels^2. Flags (sum of bits): " +
            "1 edge, 2 saturated, 4 bad pixel, 8 cosmic ray, 16 centre masked, 32 centroid failed, 64 deblended, 128 negative, " +
            "256 aperture truncated, 512 PSF fit failed, 2048 no-data pixel.")
        {
            image, threshold, bothSigns, hdu, output, keepCosmicRays,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var imagePath = parse.GetValue(image)!;
            var outPath = parse.GetValue(output)!;
            OutputFile.RefuseInputs(outPath, ("--image", imagePath));
            var sigma = parse.GetValue(threshold);
            if (!(sigma > 0 && sigma < 1000))
            {
                throw new ApdbUserException($"--threshold {sigma.ToString(CultureInfo.InvariantCulture)} must be in (0, 1000) sigma");
            }

            var full = Path.GetFullPath(outPath);
            var directory = Path.GetDirectoryName(full) ?? ".";
            if (!Directory.Exists(directory))
            {
                throw new ApdbUserException($"--out {outPath}: the directory {directory} does not exist");
            }

            var detector = new ImageDetector { Threshold = sigma, BothSigns = parse.GetValue(bothSigns), Hdu = parse.GetValue(hdu), RejectCosmicRays = !parse.GetValue(keepCosmicRays) };
            var result = detector.Run(imagePath);
            var detectSeconds = clock.Elapsed.TotalSeconds;
            await Apdb.Sky.AtomicFile.WriteTextAsync(full, async (writer, token) =>
            {
                await writer.WriteLineAsync(Columns.AsMemory(), token);
                var sb = new StringBuilder(256);
                foreach (var s in result.Sources)
                {
                    sb.Clear();
                    sb.Append(s.Id).Append(',').Append(F(s.X)).Append(',').Append(F(s.Y)).Append(',')
                        .Append(Sky(s.Ra)).Append(',').Append(Sky(s.Dec)).Append(',')
                        .Append(F(s.PsfFlux)).Append(',').Append(F(s.PsfFluxErr)).Append(',')
                        .Append(F(s.ApFlux)).Append(',').Append(F(s.ApFluxErr)).Append(',').Append(F(s.Snr)).Append(',')
                        .Append(F(s.Ixx)).Append(',').Append(F(s.Iyy)).Append(',').Append(F(s.Ixy)).Append(',').Append((int)s.Flags);
                    await writer.WriteLineAsync(sb, token);
                }
            }, ct);

            if (context.Json)
            {
                context.WriteJson(new
                {
                    image = imagePath,
                    hdu = result.Loaded.Hdu,
                    width = result.Exposure.Width,
                    height = result.Exposure.Height,
                    sources = result.Sources.Count,
                    negative = result.Sources.Count(s => s.Snr < 0),
                    psf = result.Psf,
                    units = result.Units,
                    variance = result.Loaded.VarianceSource,
                    backgroundRms = result.Loaded.Background.GlobalRms,
                    wcs = result.Loaded.WcsProblem is null,
                    cosmicRayPixels = detector.CosmicRayPixels,
                    seconds = new { detect = detectSeconds, total = clock.Elapsed.TotalSeconds },
                });
            }
            else
            {
                Console.Out.WriteLine($"{result.Sources.Count} sources in {imagePath} (PSF {result.Psf}) -> {outPath}");
            }

            return CommandRunner.Success;
        });
        root.Subcommands.Add(command);
    }

    private static string F(double value) => double.IsFinite(value) ? value.ToString("G9", CultureInfo.InvariantCulture) : "NaN";

    private static string Sky(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
}
