using Apdb.Sky;

namespace Apdb.Simulation.Tests;

/// <summary>The survey preset's fields, and the history of a preset made of fields.</summary>
public sealed class TiledPresetTests
{
    [Fact]
    public void The_survey_is_16_fields_that_cover_150_square_degrees_with_no_point_in_two_fields()
    {
        var survey = SkyPreset.Survey;
        Assert.Same(survey, SkyPreset.Find("survey"));
        Assert.Equal(16, survey.Tiles.Count);
        Assert.True(survey.AreaDeg2 >= 150, $"{survey.AreaDeg2} deg^2");
        Assert.InRange(survey.Tiles[0].AreaDeg2, 9.6 * 0.98, 9.6 * 1.02);
        Assert.Equal(survey.Center.RaDeg, survey.Tiles[0].Center.RaDeg, 9);
        Assert.All(survey.Tiles, t => Assert.Equal("survey", t.Name));

        // Points over the survey's disc: none in two fields; every point near the centre (within the inner ring) in one.
        var frame = new TangentFrame(survey.Center);
        var rng = new CounterRng(5, 0xAB);
        var covered = 0;
        for (var i = 0; i < 20000; i++)
        {
            var rho = survey.RadiusDeg * 3600 * Math.Sqrt(rng.NextDouble());
            var phi = rng.Uniform(0, 2 * Math.PI);
            var v = frame.Unproject(rho * Math.Cos(phi), rho * Math.Sin(phi));
            var owners = survey.Tiles.Count(t => t.Contains(v.X, v.Y, v.Z));
            Assert.InRange(owners, 0, 1);
            covered += owners;
            if (rho < 4.0 * 3600)
            {
                Assert.Equal(1, owners);
            }
        }

        // The covered share of the disc agrees with the fields' measured areas.
        var disc = Math.PI * survey.RadiusDeg * survey.RadiusDeg;
        Assert.InRange(covered / 20000.0, 0.97 * survey.AreaDeg2 / disc, 1.03 * survey.AreaDeg2 / disc);
    }

    [Fact]
    public void A_preset_of_one_field_contains_its_whole_disc_and_lists_itself()
    {
        foreach (var preset in new[] { SkyPreset.Tiny, SkyPreset.Demo, SkyPreset.Fov })
        {
            Assert.False(preset.IsTiled);
            Assert.Same(preset, Assert.Single(preset.Tiles));
            var c = preset.Center.ToUnitVector();
            Assert.True(preset.Contains(c.X, c.Y, c.Z));
        }
    }

    [Fact]
    public void A_tiled_history_is_its_fields_histories_in_turn_with_distinct_ids_each_source_in_its_field()
    {
        var tiled = SkyPreset.Tiled("t3", 0.05, 3);
        var generator = new HistoryGenerator(tiled, 2, 11);
        var batches = generator.Generate().ToList();

        // One final batch per field; the visit count runs on across fields.
        Assert.Equal(3, batches.Count(b => b.IsFinal));
        Assert.True(batches.Zip(batches.Skip(1)).All(p => p.Second.VisitsDone >= p.First.VisitsDone));
        Assert.Equal(generator.Cadence.Visits.Count, batches[^1].VisitsDone);
        Assert.Equal(generator.Cadence.Visits.Count, generator.Cadence.Visits.Select(v => v.VisitId).Distinct().Count());

        // Split the batches by field (each field ends with its final batch) and check where each field's sources are.
        var field = 0;
        foreach (var batch in batches)
        {
            var region = tiled.Tiles[field];
            Assert.All(batch.Sources, s =>
            {
                var u = UnitVector.FromRaDec(s.Ra, s.Dec);
                Assert.True(region.Contains(u.X, u.Y, u.Z), $"a DiaSource of field {field} lies outside it");
            });
            field += batch.IsFinal ? 1 : 0;
        }

        var sources = batches.SelectMany(b => b.Sources).ToList();
        Assert.True(sources.Count > 100);
        Assert.Equal(sources.Count, sources.Select(s => s.DiaSourceId).Distinct().Count());
        var forced = batches.SelectMany(b => b.ForcedSources).ToList();
        Assert.Equal(forced.Count, forced.Select(f => f.DiaForcedSourceId).Distinct().Count());
        var last = batches.SelectMany(b => b.LastObjects).ToList();
        Assert.Equal(last.Count, last.Select(o => o.DiaObjectId).Distinct().Count());
        Assert.Equal(sources.Select(s => s.DiaObjectId).Distinct().Order(), last.Select(o => o.DiaObjectId).Order());

        // The central field's history is the one its field alone, with the preset's seed, makes: the pipeline's
        // continuation of it (LoadedSurvey.Region) continues the rows the APDB holds.
        var alone = new HistoryGenerator(tiled.Tiles[0], 2, 11).Generate().ToList();
        Assert.Equal(alone.SelectMany(b => b.Sources).Select(s => s.DiaSourceId), batches.TakeWhile(b => !b.IsFinal).Concat(batches.Where(b => b.IsFinal).Take(1)).SelectMany(b => b.Sources).Select(s => s.DiaSourceId));

        // Other fields do not repeat the central field's sky.
        var fieldOf = batches.Select((b, i) => batches.Take(i).Count(x => x.IsFinal)).ToList();
        var fluxes0 = batches.Where((b, i) => fieldOf[i] == 0).SelectMany(b => b.Sources).Select(s => s.PsfFlux).Take(50).ToList();
        var fluxes1 = batches.Where((b, i) => fieldOf[i] == 1).SelectMany(b => b.Sources).Select(s => s.PsfFlux).Take(50).ToList();
        Assert.NotEqual(fluxes0, fluxes1);
    }

    [Fact]
    public void A_tiled_preset_has_no_single_cadence_or_shared_truth()
    {
        Assert.Throws<ArgumentException>(() => Cadence.Create(SkyPreset.Survey, 1, 1));
        var tiled = SkyPreset.Tiled("t2", 0.05, 2);
        var truth = new SkyTruth(tiled.Tiles[0], 1, Cadence.DefaultStartMjd, Cadence.DefaultStartMjd + 30);
        Assert.Throws<ArgumentException>(() => new HistoryGenerator(tiled, 1, 1, truth));
    }
}
