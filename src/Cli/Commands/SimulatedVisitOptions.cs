using System.CommandLine;
using Apdb.Pipeline;
using Apdb.Simulation;
using Apdb.Sky;

namespace Apdb.Cli.Commands;

/// <summary>
/// The options that pick one simulated detector-visit, <c>--preset P --visit V --detector D --out DIR [--months 12]
/// [--seed N]</c>, shared by <c>simulate</c> and <c>subtract</c>, with their checks.
/// </summary>
internal sealed class SimulatedVisitOptions
{
    public Option<string> Preset { get; } = new("--preset") { Description = "tiny, demo, fov or survey (as load-history; survey: its central field)", Required = true };

    public Option<long> Visit { get; } = new("--visit")
    {
        Description = "The visit: its Rubin visit id (dayObs * 100000 + sequence, as demo prints) or its position in the cadence (0-based)",
        Required = true,
    };

    public Option<int> Detector { get; } = new("--detector") { Description = "Detector 0-188 (demo prints one on the preset's region)", Required = true };

    public Option<string> Output { get; } = new("--out") { Description = "Output directory (created when missing; its parent must exist)", Required = true };

    public Option<int> Months { get; } = new("--months") { Description = "Months of history, as load-history (1-24)", DefaultValueFactory = _ => 12 };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of the simulated sky (as load-history)", DefaultValueFactory = _ => 1 };

    /// <summary>Adds the six options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Preset, Visit, Detector, Output, Months, Seed })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The checked choice: the preset, the months (1-24), the detector (0-188) and the output directory (its parent must
    /// exist, it must not be a file). The survey, which takes a while to build, comes from
    /// <see cref="SimulatedVisitChoice.Survey"/>.
    /// </summary>
    public SimulatedVisitChoice Read(ParseResult parse)
    {
        var presetName = parse.GetValue(Preset);
        var sky = SkyPreset.Find(presetName) ?? throw new ApdbUserException($"--preset {UserText.Quote(presetName)} is not one of {string.Join(", ", SkyPreset.All.Select(p => p.Name))}");
        var months = parse.GetValue(Months);
        if (months is < 1 or > 24)
        {
            throw new ApdbUserException($"--months {months} is outside 1-24");
        }

        var detector = parse.GetValue(Detector);
        if (detector is < 0 or >= CameraLayout.DetectorCount)
        {
            throw new ApdbUserException($"--detector {detector} is outside 0-{CameraLayout.DetectorCount - 1}");
        }

        var given = parse.GetValue(Output)!;
        var outDir = Path.GetFullPath(given);
        var parent = Path.GetDirectoryName(outDir.TrimEnd(Path.DirectorySeparatorChar)) ?? ".";
        if (!Directory.Exists(parent))
        {
            throw new ApdbUserException($"--out {given}: the directory {parent} does not exist");
        }

        if (File.Exists(outDir))
        {
            throw new ApdbUserException($"--out {given}: is a file, not a directory");
        }

        return new SimulatedVisitChoice(sky, parse.GetValue(Seed), months, parse.GetValue(Visit), detector, outDir, parent);
    }
}

/// <summary>A checked <see cref="SimulatedVisitOptions"/> choice; <paramref name="VisitArgument"/> is <c>--visit</c> as given.</summary>
internal sealed record SimulatedVisitChoice(SkyPreset Sky, long Seed, int Months, long VisitArgument, int Detector, string OutDir, string Parent)
{
    /// <summary>
    /// The survey as run and demo see it: the history's cadence continued, so the new visits they process (and demo
    /// prints) are visits here too, rendered from the same truth.
    /// </summary>
    public LoadedSurvey Survey() => new(Sky, Seed, Months);

    /// <summary>The visit <c>--visit</c> names in <paramref name="survey"/>'s cadence: a visit id, or else a position in it.</summary>
    public Visit ChooseVisit(LoadedSurvey survey)
    {
        ArgumentNullException.ThrowIfNull(survey);
        var visits = survey.Cadence.Visits;
        var v = VisitArgument;
        return visits.FirstOrDefault(x => x.VisitId == v)
            ?? (v >= 0 && v < visits.Count ? visits[(int)v] : null)
            ?? throw new ApdbUserException($"--visit {v} is neither a visit id nor a position 0-{visits.Count - 1} of the {Sky.Name} cadence (seed {Seed}, {Months} months of history and {LoadedSurvey.ContinuationMonths} after)");
    }
}
