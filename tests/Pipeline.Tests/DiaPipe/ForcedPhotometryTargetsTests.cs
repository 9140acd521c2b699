using Apdb.Pipeline.DiaPipe;
using Apdb.Records;
using Apdb.Sky;

namespace Apdb.Pipeline.Tests.DiaPipe;

/// <summary>
/// Forced-photometry targets by ap_association's rule (DiaPipelineTask._selectGoodDiaObjects, 2026): at least two
/// DiaSources, at least two of them good (reliability &gt;= 0.5, trailLength &lt;= 1.4", no glint_trail or isDipole).
/// </summary>
public sealed class ForcedPhotometryTargetsTests
{
    private const double Visit = 61000.0;
    private static readonly DiaPipeOptions Rubin = new();
    private static readonly SkyCone Footprint = new(SkyPosition.FromDegrees(10, 10), 0.1);

    [Theory]
    [InlineData(0.5f, 1.4f, false, false, true)]
    [InlineData(0.49f, 0.0f, false, false, false)]
    [InlineData(0.9f, 1.41f, false, false, false)]
    [InlineData(0.9f, 0.0f, true, false, false)]
    [InlineData(0.9f, 0.0f, false, true, false)]
    public void A_source_is_good_by_ap_associations_thresholds(float reliability, float trail, bool glint, bool dipole, bool good) =>
        Assert.Equal(good, ForcedPhotometryTargets.IsGood(Source(1, reliability, trail, glint, dipole), Rubin));

    [Fact]
    public void A_quality_column_the_source_does_not_carry_does_not_count_against_it() =>
        Assert.True(ForcedPhotometryTargets.IsGood(new DiaSource { DiaObjectId = 1 }, Rubin));

    [Fact]
    public void Objects_need_two_good_sources_and_a_position_on_the_detector()
    {
        var objects = new Dictionary<long, ForcedCandidate>
        {
            [1] = new(10, 10, 3, Visit - 200),    // two good sources of three: measured, whatever the age of its last detection
            [2] = new(10, 10.01, 2, Visit - 1),   // one good, one low reliability: not measured
            [3] = new(10, 10.02, 1, Visit - 1),   // one source: not measured
            [4] = new(12, 12, 5, Visit - 1),      // off the detector: not measured
        };
        var history = new[]
        {
            Source(1, 0.9f, 0.1f), Source(1, 0.8f, 0.2f), Source(1, 0.1f, 0.2f),
            Source(2, 0.9f, 0.1f), Source(2, 0.2f, 0.1f),
            Source(3, 0.9f, 0.1f),
            Source(4, 0.9f, 0.1f), Source(4, 0.9f, 0.1f),
        };

        var (ids, positions) = ForcedPhotometryTargets.Select(objects, history, Footprint, Visit, Rubin);

        Assert.Equal([1L], ids);
        Assert.Equal(10.0, positions[0].DecDeg, 9);
    }

    [Fact]
    public void The_ap_proto_time_cut_applies_only_when_set()
    {
        var objects = new Dictionary<long, ForcedCandidate> { [1] = new(10, 10, 2, Visit - 31), [2] = new(10, 10.01, 2, Visit - 29) };
        var history = new[] { Source(1, 0.9f, 0), Source(1, 0.9f, 0), Source(2, 0.9f, 0), Source(2, 0.9f, 0) };

        Assert.Equal([1L, 2L], ForcedPhotometryTargets.Select(objects, history, Footprint, Visit, Rubin).Ids);
        Assert.Equal([2L], ForcedPhotometryTargets.Select(objects, history, Footprint, Visit, Rubin with { ForcedPhotometryDays = 30 }).Ids);
    }

    private static DiaSource Source(long objectId, float reliability, float trail, bool glint = false, bool dipole = false) => new()
    {
        DiaObjectId = objectId,
        Reliability = reliability,
        TrailLength = trail,
        GlintTrail = glint,
        IsDipole = dipole,
    };
}
