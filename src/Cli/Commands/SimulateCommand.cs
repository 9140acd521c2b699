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
        var visit = new SimulatedVisitOptions();
        var window = new Option<string?>("--window") { Description = "Render only X0,Y0,W,H of the 4096 x 4096 detector (e.g. 0,0,512,512)" };
        var perturbedWcs = new Option<bool>("--perturbed-wcs")
        {
            Description = "Write the telescope's initial WCS (pointing and rotation errors, as a raw exposure has before calibration) into raw.fits and science.fits instead of the true one: for testing astrometric calibration",
        };
        var command = new Command("simulate",
            "Render one detector-visit from the seeded sky: raw exposure (bias + overscan, dark, flat, gain, read noise, sky, " +
            "Poisson noise, PSF from the seeing, stars, variables, transients, movers, cosmic rays, saturation, a bad column), " +
            "calibration frames, a deeper template on its own grid, the reference catalog and the truth.");
        visit.AddTo(command);
        command.Options.Add(window);
        command.Options.Add(perturbedWcs);
        var options = new SimulateOptions(visit, window, perturbedWcs);
        CommandRunner.SetAction(command, (parse, context, ct) => RunAsync(parse, context, options, ct));
        root.Subcommands.Add(command);
    }

    /// <summary>The command's options, read by <see cref="RunAsync"/>.</summary>
    private sealed record SimulateOptions(SimulatedVisitOptions Visit, Option<string?> Window, Option<bool> PerturbedWcs);

    private static async Task<int> RunAsync(ParseResult parse, CliContext context, SimulateOptions o, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var choice = o.Visit.Read(parse);
        var (sky, seedValue, det, outDir, parent) = (choice.Sky, choice.Seed, choice.Detector, choice.OutDir, choice.Parent);
        var renderOptions = new RenderOptions { Window = ParseWindow(parse.GetValue(o.Window)) };
        var survey = choice.Survey();
        var chosen = choice.ChooseVisit(survey);
        if (!survey.Overlaps(chosen, det))
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"apdb: warning: visit {chosen.VisitId} detector {det} ({CameraLayout.Name(det)}) lies outside the {sky.Name} sky region (centre {survey.Region.Center}, radius {survey.Region.RadiusDeg:F3} deg): the image holds no simulated sources; `apdb demo` prints a detector on the region"));
        }

        var renderer = new DetectorRenderer(survey.Truth, renderOptions);
        var rendered = renderer.Render(chosen, det);
        var perturbed = parse.GetValue(o.PerturbedWcs);
        var headerWcs = perturbed ? rendered.InitialWcs : rendered.TrueWcs;
        var science = new IsrTask().Run(rendered.Raw, rendered.Calibration);
        science.Metadata.Set("GAIN", 1.0, "[e-/ADU] after ISR the image is in electrons");

        // Write into a temporary directory beside the target, then move the files in: nothing half-written on failure.
        var temp = Path.Combine(parent, "." + Path.GetFileName(outDir) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        Directory.CreateDirectory(temp);
        try
        {
            await WriteProductsAsync(temp, rendered, science, headerWcs, ct);
            var summary = Summary(sky, seedValue, chosen, det, rendered, perturbed, clock.Elapsed.TotalSeconds);
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
                Console.Out.WriteLine($"visit {chosen.VisitId} detector {det} ({CameraLayout.Name(det)}, band {chosen.BandLetter}): {rendered.Truth.Count} sources, {rendered.ReferenceCatalog.Count} reference stars, rendered in {rendered.RenderSeconds:F2} s -> {outDir}");
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }

        return CommandRunner.Success;
    }

    /// <summary>The images and tables of one rendered detector-visit, written into <paramref name="directory"/>.</summary>
    private static async Task WriteProductsAsync(string directory, RenderedDetector rendered, Exposure science, TanWcs headerWcs, CancellationToken ct)
    {
        var w = rendered.Width;
        var h = rendered.Height;
        WriteImage(Path.Combine(directory, "raw.fits"), rendered.Raw.Image, rendered.Raw.Width, h, rendered.Raw.Metadata, headerWcs);
        WriteImage(Path.Combine(directory, "bias.fits"), rendered.Calibration.Bias, w, h, Header("BUNIT", "adu", "bias structure above the overscan level"), null);
        WriteImage(Path.Combine(directory, "dark.fits"), rendered.Calibration.Dark, w, h, Header("BUNIT", "electron/s", "dark current"), null);
        WriteImage(Path.Combine(directory, "flat.fits"), rendered.Calibration.Flat, w, h, Header("BUNIT", "", "relative response"), null);
        WriteImage(Path.Combine(directory, "science.fits"), science.Image, w, h, science.Metadata, headerWcs);
        ExposureFits.Write(Path.Combine(directory, "template.fits"), rendered.Template);
        await WriteLinesAsync(Path.Combine(directory, "defects.csv"), "x0,y0,x1,y1", rendered.Calibration.BadColumns.Select(b => $"{b},0,{b},{h - 1}"), ct);
        await WriteLinesAsync(Path.Combine(directory, "reference.csv"), "id,ra,dec,flux",
            rendered.ReferenceCatalog.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id},{r.RaDeg:R},{r.DecDeg:R},{r.FluxNjy:G9}")), ct);
        await WriteLinesAsync(Path.Combine(directory, "truth.csv"), "kind,index,ra,dec,x,y,scienceFlux,templateFlux",
            rendered.Truth.Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{t.Kind.ToString().ToLowerInvariant()},{t.Index},{t.RaDeg:R},{t.DecDeg:R},{t.X:F4},{t.Y:F4},{t.ScienceFluxNjy:G9},{t.TemplateFluxNjy:G9}")), ct);
    }

    /// <summary>truth.json and the <c>--json</c> report: what was rendered, with which seeing, WCS and timing.</summary>
    private static object Summary(SkyPreset sky, long seedValue, Visit chosen, int det, RenderedDetector rendered, bool perturbed, double totalSeconds) => new
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
        window = new { x0 = rendered.Origin.X0, y0 = rendered.Origin.Y0, width = rendered.Width, height = rendered.Height },
        nanojanskyPerElectron = rendered.NanojanskyPerElectron,
        skyElectrons = rendered.SkyElectrons,
        scienceFwhmPixels = rendered.ScienceFwhmPixels,
        templateFwhmPixels = rendered.TemplateFwhmPixels,
        cosmicRays = rendered.CosmicRays,
        truthSources = rendered.Truth.Count,
        referenceStars = rendered.ReferenceCatalog.Count,
        headerWcs = perturbed ? "perturbed (initial)" : "true",
        trueWcs = new { crpix1 = rendered.TrueWcs.Crpix1, crpix2 = rendered.TrueWcs.Crpix2, crval = new[] { rendered.TrueWcs.Crval.RaDeg, rendered.TrueWcs.Crval.DecDeg }, cd = rendered.TrueWcs.Cd, sip = rendered.TrueWcs.HasDistortion },
        seconds = new { render = rendered.RenderSeconds, total = totalSeconds },
    };

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
