using Apdb.Records;

namespace Apdb.Alerts.Tests;

public sealed class AlertPacketBuilderTests
{
    private static readonly DetectorVisit Key = new(7001, 12);

    [Fact]
    public void One_packet_per_stored_source_with_the_object_version_stored_beside_it()
    {
        const double T = 61000.5;
        var stored = new List<DiaSource> { Samples.Source(1, 100, T), Samples.Source(2, 200, T) };
        var objects = new List<DiaObject> { Samples.Object(200), Samples.Object(100) };
        var packets = new AlertPacketBuilder().Build(new AlertInput(Key, stored, objects, [], [], null));

        Assert.Equal([1L, 2L], packets.Select(p => p.DiaSourceId));
        Assert.Same(objects[1], packets[0].DiaObject);
        Assert.Same(objects[0], packets[1].DiaObject);
        Assert.All(packets, p => Assert.Null(p.CutoutDifference));
    }

    [Fact]
    public void Previous_sources_are_the_objects_own_inside_the_twelve_month_window_before_the_source_in_time_order()
    {
        const double T = 61000.5;
        var source = Samples.Source(1, 100, T);
        var history = new List<DiaSource>
        {
            Samples.Source(10, 100, T - 360.0), // on the window's open start: out, as the APDB's read window
            Samples.Source(11, 100, T - 10),
            Samples.Source(12, 100, T - 359.9),
            Samples.Source(13, 999, T - 5), // another object
            Samples.Source(14, 100, T), // the same time (another detector of this visit): not before
            Samples.Source(15, 100, T - 400),
        };
        var forced = new List<DiaForcedSource>
        {
            Samples.Forced(20, 100, T - 2), Samples.Forced(21, 100, T - 361), Samples.Forced(22, 100, T - 30), Samples.Forced(23, 5, T - 1),
        };
        var packet = new AlertPacketBuilder().Build(new AlertInput(Key, [source], [Samples.Object(100)], history, forced, null)).Single();

        Assert.Equal([12L, 11L], packet.PrvDiaSources.Select(s => s.DiaSourceId));
        Assert.Equal([22L, 20L], packet.PrvDiaForcedSources.Select(f => f.DiaForcedSourceId));
    }

    [Fact]
    public void The_window_follows_the_history_months()
    {
        const double T = 61000.5;
        var history = new List<DiaSource> { Samples.Source(10, 100, T - 45), Samples.Source(11, 100, T - 20) };
        var packet = new AlertPacketBuilder(historyMonths: 1).Build(new AlertInput(Key, [Samples.Source(1, 100, T)], [Samples.Object(100)], history, [], null)).Single();

        Assert.Equal([11L], packet.PrvDiaSources.Select(s => s.DiaSourceId));
    }

    [Fact]
    public void A_source_whose_DiaObject_was_not_stored_is_a_clear_error()
    {
        var input = new AlertInput(Key, [Samples.Source(1, 100, 61000)], [Samples.Object(101)], [], [], null);

        var ex = Assert.Throws<AlertException>(() => new AlertPacketBuilder().Build(input));
        Assert.Contains("DiaSource 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("diaObjectId 100", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Key.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_without_a_diaObjectId_is_a_clear_error()
    {
        var source = Samples.Source(1, 100, 61000);
        source.DiaObjectId = null;

        var ex = Assert.Throws<AlertException>(() => new AlertPacketBuilder().Build(new AlertInput(Key, [source], [Samples.Object(100)], [], [], null)));
        Assert.Contains("no diaObjectId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cutouts_are_made_from_each_image_given_and_absent_without_a_template()
    {
        var images = new AlertImages(Samples.Exposure(), Samples.Exposure(2.0), null);
        var packet = new AlertPacketBuilder().Build(new AlertInput(Key, [Samples.Source(1, 100, 61000)], [Samples.Object(100)], [], [], images)).Single();

        Assert.NotNull(packet.CutoutDifference);
        Assert.NotNull(packet.CutoutScience);
        Assert.Null(packet.CutoutTemplate);
        Assert.NotEqual(packet.CutoutDifference, packet.CutoutScience);
    }
}
