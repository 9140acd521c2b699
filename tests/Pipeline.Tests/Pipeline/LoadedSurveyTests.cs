using Apdb.Simulation;

namespace Apdb.Pipeline.Tests.Pipeline;

public sealed class LoadedSurveyTests
{
    [Fact]
    public void A_longer_continuation_keeps_the_first_new_visits_and_the_historys_sky()
    {
        var run = new LoadedSurvey(SkyPreset.Demo, 1, 1);
        var bench = run.WithContinuation(9);
        Assert.Equal(3, run.ContinuedMonths);
        Assert.Equal(9, bench.ContinuedMonths);
        Assert.Same(run, run.WithContinuation(3));
        Assert.Equal(run.HistoryVisitCount, bench.HistoryVisitCount);
        Assert.Equal(run.NewVisits.Select(v => v.VisitId), bench.NewVisits.Take(run.NewVisits.Count).Select(v => v.VisitId));
        Assert.True(bench.NewVisits.Count > 2 * run.NewVisits.Count, $"{bench.NewVisits.Count} against {run.NewVisits.Count}");
        Assert.Equal(run.Truth.HistoryTransientCount, bench.Truth.HistoryTransientCount);
        Assert.Equal(
            Enumerable.Range(0, run.Truth.HistoryTransientCount).Select(i => run.Truth.TransientPosition(i).RaDeg),
            Enumerable.Range(0, bench.Truth.HistoryTransientCount).Select(i => bench.Truth.TransientPosition(i).RaDeg));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.WithContinuation(13));
    }

    [Fact]
    public void On_the_survey_the_pipeline_runs_the_central_field_whose_history_the_APDB_holds()
    {
        var survey = new LoadedSurvey(SkyPreset.Survey, 1, 1);
        Assert.Same(SkyPreset.Survey.Tiles[0], survey.Region);
        var loaded = new HistoryGenerator(SkyPreset.Survey, 1, 1).Cadence.Visits;
        var central = loaded.Where(v => v.IdIndex < loaded.Count).Select(v => v.VisitId).ToList();
        Assert.Equal(survey.HistoryVisitCount, central.Count);
        Assert.Equal(central, survey.Cadence.Visits.Take(survey.HistoryVisitCount).Select(v => v.VisitId));
        Assert.All(survey.NewVisits, v => Assert.DoesNotContain(v.VisitId, loaded.Select(l => l.VisitId)));
    }
}
