using Apdb.Association;
using Apdb.Pipeline.DiaPipe;
using Apdb.Records;

namespace Apdb.Pipeline.Tests.DiaPipe;

/// <summary>The new-DiaObject filter against ap_association's diaPipe.py (2026) defaults and cuts.</summary>
public sealed class NewObjectFilterTests
{
    private static readonly DiaPipeOptions Defaults = new();

    private static DiaSource Clean() => new() { DiaSourceId = 1, Reliability = 0.9f, ApFlux = 1000f, ApFluxErr = 100f };

    public static TheoryData<string> RubinFlags() => [.. BadSourceFlags.ColumnNames];

    [Theory]
    [MemberData(nameof(RubinFlags))]
    public void Each_of_Rubins_new_object_bad_flags_rejects_a_source(string column)
    {
        Assert.Contains(column, DiaSource.ColumnNames);
        var s = Clean();
        Assert.False(NewObjectFilter.Rejects(s, Defaults));
        Set(s, column);
        Assert.True(NewObjectFilter.Rejects(s, Defaults), column);
    }

    [Fact]
    public void Flags_outside_Rubins_list_and_null_flags_do_not_reject()
    {
        // Before 2026-12 this project also dropped pixelFlags_bad, _edge and _offimage sources; Rubin's list has none of them.
        var s = Clean();
        s.PixelFlagsBad = true;
        s.PixelFlagsEdge = true;
        s.PixelFlagsOffimage = true;
        s.PixelFlagsCr = true;
        s.IsDipole = true;
        s.CentroidFlag = null;
        Assert.False(NewObjectFilter.Rejects(s, Defaults));
    }

    [Fact]
    public void Reliability_below_0_1_rejects_and_a_missing_reliability_does_not()
    {
        Assert.Equal(0.1, Defaults.NewObjectReliabilityThreshold);
        var s = Clean();
        s.Reliability = 0.099f;
        Assert.True(NewObjectFilter.Rejects(s, Defaults));
        s.Reliability = 0.1f;
        Assert.False(NewObjectFilter.Rejects(s, Defaults));
        s.Reliability = null;
        Assert.False(NewObjectFilter.Rejects(s, Defaults));
        s.Reliability = 0.0f;
        Assert.False(NewObjectFilter.Rejects(s, Defaults with { NewObjectReliabilityThreshold = 0 }));
    }

    [Fact]
    public void The_apFlux_signal_to_noise_cut_is_off_by_default_and_uses_the_absolute_ratio_when_on()
    {
        Assert.Equal(0.0, Defaults.NewObjectSnrThreshold);
        var faint = Clean();
        faint.ApFlux = 100f;
        faint.ApFluxErr = 100f;
        Assert.False(NewObjectFilter.Rejects(faint, Defaults));

        var cut = Defaults with { NewObjectSnrThreshold = 5 };
        Assert.True(NewObjectFilter.Rejects(faint, cut));
        var negative = Clean();
        negative.ApFlux = -600f;
        Assert.False(NewObjectFilter.Rejects(negative, cut));
        negative.ApFluxErr = null;
        Assert.False(NewObjectFilter.Rejects(negative, cut));
    }

    [Fact]
    public void The_combined_low_snr_and_low_reliability_cut_needs_both()
    {
        var cut = Defaults with { NewObjectReliabilityThreshold = 0, NewObjectLowReliabilitySnrThreshold = 8, NewObjectLowSnrReliabilityThreshold = 0.5 };
        var s = Clean();
        s.ApFlux = 500f;
        s.Reliability = 0.4f;
        Assert.True(NewObjectFilter.Rejects(s, cut));
        s.Reliability = 0.6f;
        Assert.False(NewObjectFilter.Rejects(s, cut));
        s.Reliability = 0.4f;
        s.ApFlux = 900f;
        Assert.False(NewObjectFilter.Rejects(s, cut));
        Assert.False(NewObjectFilter.Rejects(s, cut with { NewObjectLowReliabilitySnrThreshold = 0 }));
    }

    [Fact]
    public void Matched_sources_keep_their_object_whatever_their_flags_and_rejected_unmatched_ones_are_dropped()
    {
        var matches = new[] { new MatchResult(1, 77, 0.1), new MatchResult(2, null, double.NaN), new MatchResult(3, null, double.NaN) };
        var sources = new[] { Clean(), Clean(), Clean() };
        sources[0].GlintTrail = true;
        sources[1].PixelFlagsStreakCenter = true;
        var a = NewObjectFilter.Assign(matches, sources, Defaults);
        Assert.Equal([SourceOutcome.Matched, SourceOutcome.Dropped, SourceOutcome.NewObject], a.Select(x => x.Outcome));
        Assert.Equal([77L, null, 3L], a.Select(x => x.DiaObjectId));
    }

    [Fact]
    public void More_new_objects_than_MaxNewDiaObjects_is_a_clear_error_and_zero_means_no_limit()
    {
        var matches = Enumerable.Range(1, 5).Select(i => new MatchResult(i, null, double.NaN)).ToArray();
        var sources = matches.Select(_ => Clean()).ToArray();
        Assert.Equal(0, Defaults.MaxNewDiaObjects);
        Assert.Equal(5, NewObjectFilter.Assign(matches, sources, Defaults).Count(a => a.Outcome == SourceOutcome.NewObject));
        Assert.Equal(5, NewObjectFilter.Assign(matches, sources, Defaults with { MaxNewDiaObjects = 5 }).Length);
        var ex = Assert.Throws<ApdbUserException>(() => NewObjectFilter.Assign(matches, sources, Defaults with { MaxNewDiaObjects = 4 }));
        Assert.Equal("the detector-visit would create 5 new DiaObjects, more than maxNewDiaObjects = 4; refused, nothing stored", ex.Message);

        // Dropped sources do not count toward the limit.
        sources[0].CentroidFlag = true;
        Assert.Equal(4, NewObjectFilter.Assign(matches, sources, Defaults with { MaxNewDiaObjects = 4 }).Count(a => a.Outcome == SourceOutcome.NewObject));
    }

    [Fact]
    public void Out_of_range_thresholds_name_the_option()
    {
        var matches = new[] { new MatchResult(1, null, double.NaN) };
        var sources = new[] { Clean() };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => NewObjectFilter.Assign(matches, sources, Defaults with { NewObjectReliabilityThreshold = 1.5 }));
        Assert.Contains("NewObjectReliabilityThreshold", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => NewObjectFilter.Assign(matches, sources, Defaults with { NewObjectSnrThreshold = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewObjectFilter.Assign(matches, sources, Defaults with { MaxNewDiaObjects = -1 }));
    }

    private static void Set(DiaSource s, string column)
    {
        switch (column)
        {
            case "centroid_flag": s.CentroidFlag = true; break;
            case "pixelFlags_crCenter": s.PixelFlagsCrCenter = true; break;
            case "pixelFlags_nodataCenter": s.PixelFlagsNodataCenter = true; break;
            case "pixelFlags_interpolatedCenter": s.PixelFlagsInterpolatedCenter = true; break;
            case "pixelFlags_saturatedCenter": s.PixelFlagsSaturatedCenter = true; break;
            case "pixelFlags_suspectCenter": s.PixelFlagsSuspectCenter = true; break;
            case "pixelFlags_streakCenter": s.PixelFlagsStreakCenter = true; break;
            case "glint_trail": s.GlintTrail = true; break;
            default: throw new ArgumentException($"unknown flag column {column}", nameof(column));
        }
    }
}
