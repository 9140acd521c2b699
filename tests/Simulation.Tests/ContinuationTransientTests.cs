using Apdb.Sky;

namespace Apdb.Simulation.Tests;

/// <summary>
/// Transients that appear during the months after the history: drawn from their own stream, appended after the
/// history's, never with flux during the history, so the history's rows are the same with or without them.
/// </summary>
public sealed class ContinuationTransientTests
{
    private const long Seed = 1;
    private const int ContinuationMonths = 3;

    private static SkyTruth Truth(SkyPreset preset, int months, int continuationMonths)
    {
        var history = Cadence.Create(preset, months, Seed);
        return new SkyTruth(preset, Seed, history.StartMjd, history.EndMjd, history.EndMjd + continuationMonths * Cadence.DaysPerMonth);
    }

    [Fact]
    public void The_history_transients_are_those_of_the_history_alone_and_the_new_ones_follow_them()
    {
        var alone = Truth(SkyPreset.Demo, 12, 0);
        var continued = Truth(SkyPreset.Demo, 12, ContinuationMonths);
        Assert.Equal(alone.TransientCount, alone.HistoryTransientCount);
        Assert.Equal(alone.TransientCount, continued.HistoryTransientCount);
        Assert.Equal(alone.VariableCount, continued.VariableCount);
        Assert.Equal(alone.MovingObjectCount, continued.MovingObjectCount);
        for (var i = 0; i < alone.TransientCount; i++)
        {
            Assert.Equal(alone.TransientPosition(i), continued.TransientPosition(i));
            Assert.Equal(alone.TransientPeakMjd(i), continued.TransientPeakMjd(i));
            Assert.Equal(alone.TransientOnsetMjd(i), continued.TransientOnsetMjd(i));
            for (var band = 0; band < Bands.Count; band++)
            {
                Assert.Equal(alone.TransientFlux(i, band, alone.TransientPeakMjd(i)), continued.TransientFlux(i, band, alone.TransientPeakMjd(i)));
            }
        }

        // The rate at which the history's windows begin (100 active per 9.6 deg^2, 50-day mean window) over 90 days
        // and 1 deg^2: 18.75 expected; the count is a stochastic rounding, so allow Poisson-like scatter.
        var added = continued.TransientCount - continued.HistoryTransientCount;
        Assert.InRange(added, 8, 32);
    }

    [Fact]
    public void New_transients_have_no_flux_at_any_history_visit_and_become_detectable_on_new_visits()
    {
        var truth = Truth(SkyPreset.Demo, 12, ContinuationMonths);
        var cadence = Cadence.Create(SkyPreset.Demo, 12 + ContinuationMonths, Seed);
        var historyVisits = Cadence.Create(SkyPreset.Demo, 12, Seed).Visits.Count;
        Assert.True(cadence.Visits[historyVisits - 1].MidpointMjdTai < truth.EndMjd);
        var detectable = 0;
        for (var i = truth.HistoryTransientCount; i < truth.TransientCount; i++)
        {
            Assert.InRange(truth.TransientOnsetMjd(i), truth.EndMjd, truth.ContinuationEndMjd);
            for (var band = 0; band < Bands.Count; band++)
            {
                Assert.Equal(0.0, truth.TransientFlux(i, band, truth.EndMjd - 1e-6));
                foreach (var visit in cadence.Visits.Take(historyVisits))
                {
                    Assert.Equal(0.0, truth.TransientFlux(i, band, visit.MidpointMjdTai));
                }
            }

            if (cadence.Visits.Skip(historyVisits).Any(v => v.Geometry.TryLocate(truth.TransientPosition(i), out _, out _, out _)
                && truth.TransientFlux(i, v.Band, v.MidpointMjdTai) >= 5 * v.SkyNoiseNjy))
            {
                detectable++;
            }
        }

        // Most new transients (peaks 19-23 mag against 5-sigma depths near 24) reach S/N 5 on some new visit.
        Assert.True(detectable >= (truth.TransientCount - truth.HistoryTransientCount) / 2, $"{detectable} detectable");
        // Some of the history's transients are still bright on the new visits: the new ones are not the only ones.
        Assert.Contains(Enumerable.Range(0, truth.HistoryTransientCount), i => truth.TransientFlux(i, 2, truth.EndMjd + 1) > 0);
    }

    [Fact]
    public void The_history_rows_are_the_same_when_the_generator_continues_over_the_continued_truth()
    {
        // Demo, one month of history: the generator over the history alone against the generator over the history's
        // truth with the continuation's transients, run three months further; the history's visits must match
        // bit for bit (sources, forced sources, detector-visit registry).
        var alone = new HistoryGenerator(SkyPreset.Demo, 1, Seed);
        var truth = Truth(SkyPreset.Demo, 1, ContinuationMonths);
        var continued = new HistoryGenerator(SkyPreset.Demo, 1 + ContinuationMonths, Seed, truth);
        var end = alone.Cadence.EndMjd;
        var a = alone.Generate().ToList();
        var b = continued.Generate().ToList();
        var aSources = a.SelectMany(x => x.Sources).ToList();
        var bSources = b.SelectMany(x => x.Sources).ToList();
        Assert.NotEmpty(aSources);
        Assert.Equal(aSources, bSources.Where(s => s.MidpointMjdTai < end));
        Assert.Equal(a.SelectMany(x => x.ForcedSources), b.SelectMany(x => x.ForcedSources).Where(f => f.MidpointMjdTai < end));
        Assert.Equal(a.SelectMany(x => x.VisitDetectors), b.SelectMany(x => x.VisitDetectors).Take(a.Sum(x => x.VisitDetectors.Length)));

        // And the continuation does measure the new transients: some source after the history lies on one of them.
        var newPositions = Enumerable.Range(truth.HistoryTransientCount, truth.TransientCount - truth.HistoryTransientCount)
            .Select(truth.TransientPosition).ToList();
        Assert.NotEmpty(newPositions);
        Assert.Contains(bSources.Where(s => s.MidpointMjdTai >= end),
            s => newPositions.Any(p => AngularDistance.Degrees(p, SkyPosition.FromDegrees(s.Ra, s.Dec)) < 1.0 / 3600));
    }

    [Fact]
    public void The_tiny_history_keeps_the_row_counts_the_README_states()
    {
        // README, load-history table: tiny, 12 months, seed 1 (the defaults).
        var batches = new HistoryGenerator(SkyPreset.Tiny, 12, Seed).Generate().ToList();
        Assert.Equal(7277, batches.Sum(b => b.Sources.Length));
        Assert.Equal(7277, batches.Sum(b => b.Objects.Length));
        Assert.Equal(4793, batches.Sum(b => b.ForcedSources.Length));
        Assert.Equal(2510, batches[^1].LastObjects.Length);
    }

    [Fact]
    public void A_generator_refuses_a_truth_of_another_sky()
    {
        var truth = Truth(SkyPreset.Demo, 1, ContinuationMonths);
        Assert.Throws<ArgumentException>(() => new HistoryGenerator(SkyPreset.Demo, 2, Seed + 1, truth));
        Assert.Throws<ArgumentException>(() => new HistoryGenerator(SkyPreset.Tiny, 2, Seed, truth));
    }
}
