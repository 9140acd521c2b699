using System.Globalization;
using Apdb.Pipeline;

namespace Apdb.Cli.Commands;

internal static partial class RunCommand
{
    /// <summary>
    /// The first new visits none of whose chosen detectors is stored yet: a second <c>run</c> or <c>demo</c> continues
    /// the survey where the last one stopped instead of finding everything already done.
    /// </summary>
    internal static async Task<List<PlannedVisit>> NextUnprocessedAsync(IApdb store, LoadedSurvey survey, Settings settings, CancellationToken ct)
    {
        var plan = new List<PlannedVisit>();
        foreach (var visit in survey.NewVisits)
        {
            IReadOnlyList<int> detectors;
            if (settings.DetectorIds is { } chosen)
            {
                // Detectors named by the user must all be on the region: the first visit's check refuses a wrong one
                // with the same message as an explicit --visit, rather than skipping every visit quietly.
                if (plan.Count == 0 && chosen.FirstOrDefault(d => !survey.Overlaps(visit, d), -1) is var off and >= 0)
                {
                    _ = Plan(survey, settings with { VisitIds = [visit.VisitId] });
                    throw new ApdbUserException($"run: detector {off} is outside the loaded {survey.Preset.Name} region");
                }

                detectors = [.. chosen.Distinct()];
            }
            else
            {
                detectors = survey.DetectorsOnRegion(visit, settings.Detectors);
            }

            if (detectors.Count == 0)
            {
                continue;
            }

            var stored = false;
            foreach (var d in detectors)
            {
                stored |= await store.ContainsVisitDetectorAsync(new DetectorVisit(visit.VisitId, (short)d), ct);
            }

            if (!stored)
            {
                plan.Add(new PlannedVisit(visit, detectors));
                if (plan.Count == settings.Visits)
                {
                    break;
                }
            }
        }

        return plan;
    }

    /// <summary>
    /// What <c>run</c> says when every visit of the continued cadence is stored: one line (a JSON object with --json),
    /// exit 0, no plots. Nothing to do is a state, not an error; <c>--replace --visit IDS</c> reprocesses.
    /// </summary>
    private static int ReportNothingToDo(CliContext context, LoadedSurvey survey)
    {
        var message = string.Create(CultureInfo.InvariantCulture,
            $"run: nothing to do: all {survey.NewVisits.Count} visits after the {survey.Months}-month {survey.Preset.Name} history are stored (`apdb run --replace --visit IDS` reprocesses some)");
        if (context.Json)
        {
            context.WriteJson(new { visits = 0, detectorVisits = 0, nothingToDo = true, message });
        }
        else
        {
            Console.WriteLine(message);
        }

        return CommandRunner.Success;
    }
}
