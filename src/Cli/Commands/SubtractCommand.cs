using System.CommandLine;
using System.Globalization;
using Apdb.Cli.Tables;
using Apdb.Frontend;
using Apdb.Imaging;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>subtract --preset P --visit V --detector D --out DIR</c>: the image front end on one simulated detector-visit (ISR,
/// calibration, template warp, Alard-Lupton subtraction, DIA detection), writing what it made: science.fits (calibrated,
/// nJy, with the fitted WCS), template.fits (warped to the science grid), diff.fits (the difference) and diaSources.csv.
/// The images carry MASK and VARIANCE extensions and their WCS, so <c>detect</c> and <c>forced-phot</c> read them.
/// </summary>
internal static class SubtractCommand
{
    public static void AddTo(RootCommand root)
    {
        var options = new SimulatedVisitOptions();
        var command = new Command("subtract", "Run the image front end on one simulated detector-visit and write the calibrated science, warped template and difference images");
        options.AddTo(command);
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var choice = options.Read(parse);
            var (sky, det, outDir) = (choice.Sky, choice.Detector, choice.OutDir);
            var survey = choice.Survey();
            var chosen = choice.ChooseVisit(survey);
            if (!survey.Overlaps(chosen, det))
            {
                throw new ApdbUserException(string.Create(CultureInfo.InvariantCulture,
                    $"--detector {det}: not a detector of visit {chosen.VisitId} on the {sky.Name} region (centre {survey.Region.Center}, radius {survey.Region.RadiusDeg:F3} deg); `apdb demo` prints one"));
            }

            var report = new ImageFrontEnd(survey.Truth).ProcessDetailed(chosen, det, ct);
            var result = report.Result;
            var files = await WriteAsync(outDir, result, ct);
            var summary = new
            {
                visit = chosen.VisitId,
                detector = det,
                band = chosen.BandLetter.ToString(),
                diaSources = result.DiaSources.Count,
                astrometryRmsMas = report.Diagnostics.AstrometryRmsMas,
                differencePsfFwhmPixels = report.Diagnostics.DifferencePsfFwhmPixels,
                files,
            };
            if (context.Json)
            {
                context.WriteJson(summary);
            }
            else
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"visit {chosen.VisitId} detector {det} (band {chosen.BandLetter}): {result.DiaSources.Count} DiaSources, astrometry rms {report.Diagnostics.AstrometryRmsMas:F1} mas -> {string.Join(", ", files)}"));
            }

            return CommandRunner.Success;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>Writes into a temporary directory beside the target, then moves the files in: nothing half-written.</summary>
    private static async Task<List<string>> WriteAsync(string outDir, FrontEndResult result, CancellationToken ct)
    {
        var parent = Path.GetDirectoryName(outDir.TrimEnd(Path.DirectorySeparatorChar)) ?? ".";
        var temp = Path.Combine(parent, "." + Path.GetFileName(outDir) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var exposure in new[] { result.Science, result.Template, result.Difference })
            {
                if (exposure?.Psf is { } psf)
                {
                    exposure.Metadata.Set(ForcedPhotCommand.PsfFwhmKeyword, psf.FwhmPixels, "[pixel] PSF FWHM");
                }
            }

            ExposureFits.Write(Path.Combine(temp, "science.fits"), result.Science);
            if (result.Template is { } template)
            {
                ExposureFits.Write(Path.Combine(temp, "template.fits"), template);
            }

            ExposureFits.Write(Path.Combine(temp, "diff.fits"), result.Difference);
            var sources = result.DiaSources;
            var table = new OutputTable()
                .Add("id", sources.Select(d => d.DiaSourceId).ToArray(), description: "diaSourceId")
                .Add("ra", sources.Select(d => d.Ra).ToArray(), "deg", "right ascension")
                .Add("dec", sources.Select(d => d.Dec).ToArray(), "deg", "declination")
                .Add("x", sources.Select(d => d.X).ToArray(), "pixel", "column, 0-based")
                .Add("y", sources.Select(d => d.Y).ToArray(), "pixel", "row, 0-based")
                .Add("psfFlux", sources.Select(d => d.PsfFlux ?? float.NaN).ToArray(), "nJy", "PSF flux on the difference image")
                .Add("psfFluxErr", sources.Select(d => d.PsfFluxErr ?? float.NaN).ToArray(), "nJy", "PSF flux uncertainty")
                .Add("snr", sources.Select(d => d.Snr ?? float.NaN).ToArray(), description: "signal to noise of the detection");
            await using (var stream = File.Create(Path.Combine(temp, "diaSources.csv")))
            {
                new CsvTableWriter().Write(stream, table);
            }

            Directory.CreateDirectory(outDir);
            var written = new List<string>();
            foreach (var file in Directory.GetFiles(temp).Order(StringComparer.Ordinal))
            {
                var target = Path.Combine(outDir, Path.GetFileName(file));
                File.Move(file, target, overwrite: true);
                written.Add(target);
            }

            return written;
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
