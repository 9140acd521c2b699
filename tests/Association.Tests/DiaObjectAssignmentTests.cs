namespace Apdb.Association.Tests;

public sealed class DiaObjectAssignmentTests
{
    private static readonly MatchResult[] Matches =
    [
        new(10, 500, 0.3),
        new(11, null, double.NaN),
        new(12, null, double.NaN),
        new(13, 501, 0.9),
    ];

    [Fact]
    public void Unmatched_clean_sources_found_objects_with_their_own_id_and_flagged_ones_are_dropped()
    {
        long[] flags = [0b100, 0b001, 0b100, 0b001];
        var a = DiaObjectAssignment.Assign(Matches, flags, badFlagMask: 0b001);
        Assert.Equal(
            [
                new SourceAssignment(10, 500, SourceOutcome.Matched),
                new SourceAssignment(11, null, SourceOutcome.Dropped),
                new SourceAssignment(12, 12, SourceOutcome.NewObject),
                new SourceAssignment(13, 501, SourceOutcome.Matched),
            ],
            a);
    }

    [Fact]
    public void New_objects_take_the_position_and_id_of_their_source()
    {
        var sources = Catalog.Create(
            [new CatalogEntry(10, 1, 1), new CatalogEntry(11, 2, 2), new CatalogEntry(12, 3, 3, 1e-5, 2e-5), new CatalogEntry(13, 4, 4)],
            "source");
        var a = DiaObjectAssignment.Assign(Matches, _ => false);
        var created = DiaObjectAssignment.NewDiaObjects(sources, a);
        Assert.Equal([new CatalogEntry(11, 2, 2, double.NaN, double.NaN), new CatalogEntry(12, 3, 3, 1e-5, 2e-5)], created);
    }

    [Fact]
    public void More_new_objects_than_the_limit_throws_with_the_count_and_the_limit_and_zero_is_no_limit()
    {
        Assert.Equal(2, DiaObjectAssignment.Assign(Matches, _ => false, maxNewDiaObjects: 0).Count(a => a.Outcome == SourceOutcome.NewObject));
        Assert.Equal(4, DiaObjectAssignment.Assign(Matches, _ => false, maxNewDiaObjects: 2).Length);
        var ex = Assert.Throws<TooManyNewDiaObjectsException>(() => DiaObjectAssignment.Assign(Matches, _ => false, maxNewDiaObjects: 1));
        Assert.Equal((2, 1), (ex.Count, ex.Limit));
        Assert.Equal("would create 2 new DiaObjects, more than maxNewDiaObjects = 1; refused, nothing stored", ex.Message);

        // A dropped source founds nothing, so it does not count.
        Assert.Single(DiaObjectAssignment.Assign(Matches, i => i == 1, maxNewDiaObjects: 1), a => a.Outcome == SourceOutcome.NewObject);
    }
}
