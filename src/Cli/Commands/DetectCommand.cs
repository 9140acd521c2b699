using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Apdb.Cli.Tables;
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
        var hdu = HduOption.Create();
        var output = new Option<string>("--out") { Description = "Output table, format by extension (" + TableFile.Extensions + "): " + Columns + " and Rubin's boolean flag columns. " +
                "Pixels 0-based; ra/dec NaN without a TAN WCS; fluxes in nJy when the header calibrates, else image units; snr negative for negative sources; " +
                "flags (sum of bits): 1 edge, 2 saturated, 4 bad pixel, 8 cosmic ray, 16 centre masked, 32 centroid failed, 64 deblended, 128 negative, " +
                "256 aperture truncated, 512 PSF fit failed, 1024 dipole, 2048 no-data pixel; parent: a deblended child's footprint id (after the last source id; parents are not rows), 0 when alone", Required = true };
        var keepCosmicRays = new Option<bool>("--keep-cosmic-rays") { Description = "Do not mask pixels sharper than the PSF (cosmic rays) before detection" };
        var command = new Command("detect", "Background, detection and measurement on any FITS image; writes a source table (see --out)")
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

            TableFile.Check(outPath);

            var detector = new ImageDetector { Threshold = sigma, BothSigns = parse.GetValue(bothSigns), Hdu = HduOption.Resolve(imagePath, parse.GetValue(hdu)), RejectCosmicRays = !parse.GetValue(keepCosmicRays) };
            var result = detector.Run(imagePath);
            var detectSeconds = clock.Elapsed.TotalSeconds;
            TableFile.Write(outPath, SourceTables.Detections(result.Sources, result.Loaded.Exposure.PhotoCalib is not null));
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
}
