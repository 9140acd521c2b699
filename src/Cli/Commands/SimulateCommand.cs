using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Apdb.Frontend.Isr;
using Apdb.Imaging;
using Apdb.Simulation;
using Apdb.Simulation.Rendering;
using Apdb.Sky;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>simulate --preset P --visit V --detector D --out DIR [--months 12] [--seed N] [--window X0,Y0,W,H]</c>: renders
/// one detector-visit from the same seeded sky as <c>load-history</c> and writes raw.fits, bias.fits, dark.fits,
/// flat.fits, defects.csv, template.fits, science.fits (after ISR, electrons), reference.csv, truth.csv and truth.json.
/// </summary>
internal static class SimulateCommand
{
    public static void AddTo(RootCommand root)
    {
        var preset = new Option<string>("--preset") { Description = "tiny, demo or fov (as load-history)", Required = true };
        var visit = new Option<long>("--visit") { Description = "The visit: its position in the cadence (0-based) or its Rubin visit id (dayObs * 100000 + sequence)", Required = true };
        var detector = new Option<int>("--detector") { Description = "Detector 0-188", Required = true };
        var output = new Option<string>("--out") { Description = "Output directory (created when missing; its parent must exist)", Required = true };
        var months = new Option<int>("--months") { Description = "Months of the cadence, as load-history (1-24)", DefaultValueFactory = _ => 12 };
        var seed = new Option<long>("--seed") { Description = "Seed of the simulated sky (as load-history)", DefaultValueFactory = _ => 1 };
        var window = new Option<string?>("--window") { Description = "Render only X0,Y0,W,H of the 4096 x 4096 detector (e.g. 0,0,512,512)" };
        var command = new Command("simulate",
            "Render one detector-visit from the seeded sky: raw exposure (bias + overscan, dark, flat, gain, read noise, sky, " +
            "Poisson noise, PSF from the seeing, stars, variables, transients, movers, cosmic rays, saturation, a bad column), " +
            "calibration frames, a deeper template on its own grid, the reference catalog and the truth.")
        {
            preset, visit, detector, output, months, seed, window,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var presetName = parse.GetValue(preset);
            var sky = SkyPreset.Find(presetName) ?? throw new ApdbUserException($"--preset {UserText.Quote(presetName)} is not one of tiny, demo, fov");
            var monthCount = parse.GetValue(months);
            if (monthCount is < 1 or > 24)
            {
                throw new ApdbUserException($"--months {monthCount} is outside 1-24");
            }

            var det = parse.GetValue(detector);
            if (det is < 0 or >= CameraLayout.DetectorCount)
            {
                throw new ApdbUserException($"--detector {det} is outside 0-{CameraLayout.DetectorCount - 1}");
            }

            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            var parent = Path.GetDirectoryName(outDir.TrimEnd(Path.DirectorySeparatorChar)) ?? ".";
            if (!Directory.Exists(parent))
            {
                throw new ApdbUserException($"--out {parse.GetValue(output)}: the directory {parent} does not exist");
            }

            if (File.Exists(outDir))
            {
                throw new ApdbUserException($"--out {parse.GetValue(output)}: is a file, not a directory");
            }

            var renderOptions = new RenderOptions { Window = ParseWindow(parse.GetValue(window)) };
            var seedValue = parse.GetValue(seed);
            var cadence = Cadence.Create(sky, monthCount, seedValue);
            var v = parse.GetValue(visit);
            var chosen = cadence.Visits.FirstOrDefault(x => x.VisitId == v)
                ?? (v >= 0 && v < cadence.Visits.Count ? cadence.Visits[(int)v] : null)
                ?? throw new ApdbUserException($"--visit {v} is neither a visit id nor a position 0-{cadence.Visits.Count - 1} of the {sky.Name} cadence (seed {seedValue}, {monthCount} months)");
            var truth = new SkyTruth(sky, seedValue, cadence.StartMjd, cadence.EndMjd);
            var renderer = new DetectorRenderer(truth, renderOptions);
            var rendered = renderer.Render(chosen, det);
            var science = new IsrTask().Run(rendered.Raw, rendered.Calibration);
            science.Metadata.Set("GAIN", 1.0, "[e-/ADU] after ISR the image is in electrons");
            var renderSeconds = rendered.RenderSeconds;

            // Write into a temporary directory beside the target, then move the files in: nothing half-written on failure.
            var temp = Path.Combine(parent, "." + Path.GetFileName(outDir) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
            Directory.CreateDirectory(temp);
            try
            {
                var w = rendered.Width;
                var h = rendered.Height;
                WriteImage(Path.Combine(temp, "raw.fits"), rendered.Raw.Image, rendered.Raw.Width, h, rendered.Raw.Metadata, rendered.InitialWcs);
                WriteImage(Path.Combine(temp, "bias.fits"), rendered.Calibration.Bias, w, h, Header("BUNIT", "adu", "bias structure above the overscan level"), null);
                WriteImage(Path.Combine(temp, "dark.fits"), rendered.Calibration.Dark, w, h, Header("BUNIT", "electron/s", "dark current"), null);
                WriteImage(Path.Combine(temp, "flat.fits"), rendered.Calibration.Flat, w, h, Header("BUNIT", "", "relative response"), null);
                WriteImage(Path.Combine(temp, "science.fits"), science.Image, w, h, science.Metadata, science.Wcs);
                ExposureFits.Write(Path.Combine(temp, "template.fits"), rendered.Template);
                await WriteLinesAsync(Path.Combine(temp, "defects.csv"), "x0,y0,x1,y1", rendered.Calibration.BadColumns.Select(b => $"{b},0,{b},{h - 1}"), ct);
                await WriteLinesAsync(Path.Combine(temp, "reference.csv"), "id,ra,dec,flux",
                    rendered.ReferenceCatalog.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id},{r.RaDeg:R},{r.DecDeg:R},{r.FluxNjy:G9}")), ct);
                await WriteLinesAsync(Path.Combine(temp, "truth.csv"), "kind,index,ra,dec,x,y,scienceFlux,templateFlux",
                    rendered.Truth.Select(t => string.Create(CultureInfo.InvariantCulture,
                        $"{t.Kind.ToString().ToLowerInvariant()},{t.Index},{t.RaDeg:R},{t.DecDeg:R},{t.X:F4},{t.Y:F4},{t.ScienceFluxNjy:G9},{t.TemplateFluxNjy:G9}")), ct);
                var summary = new
                {
                    preset = sky.Name,
                    seed = seedValue,
                    visit = chosen.VisitId,
                    visitIndex = chosen.Index,
                    detector = det,
                    detectorName = CameraLayout.Name(det),
                    band = chosen.BandLetter.ToString(),
                    midpointMjdTai = chosen.MidpointMjdTai,
                    seeingArcsec = chosen.SeeingArcsec,
                    window = new { x0 = rendered.Origin.X0, y0 = rendered.Origin.Y0, width = w, height = h },
                    nanojanskyPerElectron = rendered.NanojanskyPerElectron,
                    skyElectrons = rendered.SkyElectrons,
                    scienceFwhmPixels = rendered.ScienceFwhmPixels,
                    templateFwhmPixels = rendered.TemplateFwhmPixels,
                    cosmicRays = rendered.CosmicRays,
                    truthSources = rendered.Truth.Count,
                    referenceStars = rendered.ReferenceCatalog.Count,
                    trueWcs = new { crpix1 = rendered.TrueWcs.Crpix1, crpix2 = rendered.TrueWcs.Crpix2, crval = new[] { rendered.TrueWcs.Crval.RaDeg, rendered.TrueWcs.Crval.DecDeg }, cd = rendered.TrueWcs.Cd, sip = rendered.TrueWcs.HasDistortion },
                    seconds = new { render = renderSeconds, total = clock.Elapsed.TotalSeconds },
                };
                await File.WriteAllTextAsync(Path.Combine(temp, "truth.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }), ct);
                Directory.CreateDirectory(outDir);
                foreach (var file in Directory.GetFiles(temp))
                {
                    File.Move(file, Path.Combine(outDir, Path.GetFileName(file)), overwrite: true);
                }

                if (context.Json)
                {
                    context.WriteJson(summary);
                }
                else
                {
                    Console.Out.WriteLine($"visit {chosen.VisitId} detector {det} ({CameraLayout.Name(det)}, band {chosen.BandLetter}): {rendered.Truth.Count} sources, {rendered.ReferenceCatalog.Count} reference stars, rendered in {renderSeconds:F2} s -> {outDir}");
                }
            }
            finally
            {
                Directory.Delete(temp, recursive: true);
            }

            return CommandRunner.Success;
        });
        root.Subcommands.Add(command);
    }

    private static (int, int, int, int)? ParseWindow(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split(',');
        var values = new int[4];
        if (parts.Length != 4 || parts.Where((p, i) => !int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i])).Any())
        {
            throw new ApdbUserException($"--window {UserText.Quote(text)} is not X0,Y0,W,H (four integers)");
        }

        if (values[0] < 0 || values[1] < 0 || values[2] < 16 || values[3] < 16 || values[0] + values[2] > CameraLayout.DetectorPixels || values[1] + values[3] > CameraLayout.DetectorPixels)
        {
            throw new ApdbUserException($"--window {UserText.Quote(text)} is not inside the 4096 x 4096 detector (at least 16 x 16)");
        }

        return (values[0], values[1], values[2], values[3]);
    }

    private static FitsHeader Header(string key, string value, string comment)
    {
        var header = new FitsHeader();
        header.Set(key, value, comment);
        return header;
    }

    private static void WriteImage(string path, float[] data, int width, int height, FitsHeader header, TanWcs? wcs)
    {
        var h = header.Clone();
        wcs?.WriteTo(h);
        FitsFile.Write(path, [new FitsHdu(h, new FitsImage(data, [width, height]))]);
    }

    private static async Task WriteLinesAsync(string path, string header, IEnumerable<string> lines, CancellationToken ct)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync(header.AsMemory(), ct);
        foreach (var line in lines)
        {
            await writer.WriteLineAsync(line.AsMemory(), ct);
        }
    }
}
