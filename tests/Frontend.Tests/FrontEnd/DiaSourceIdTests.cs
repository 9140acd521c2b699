using Apdb.Frontend.Dia;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class DiaSourceIdTests
{
    [Fact]
    public void Ids_round_trip_and_stay_above_every_history_id()
    {
        long visit = 2026_12_31_00800; // dayObs 20261231, sequence 800
        var id = DiaSourceIds.Make(visit, 188, DiaSourceIds.MaxPerDetectorVisit - 1);
        Assert.Equal((visit, 188, DiaSourceIds.MaxPerDetectorVisit - 1), DiaSourceIds.Split(id));
        // History ids: ((visitIndex + 1) << 24) | (detector << 16) | sequence; even a million-visit history stays below 2^44.
        var largestHistory = ((1_000_000L + 1) << 24) | (188L << 16) | 0xFFFF;
        var smallestHere = DiaSourceIds.Make(2020_01_01_00001, 0, 0);
        Assert.True(smallestHere > largestHistory);
        Assert.NotEqual(DiaSourceIds.Make(visit, 5, 0), DiaSourceIds.Make(visit + 1, 5, 0));
        Assert.NotEqual(DiaSourceIds.Make(visit, 5, 3), DiaSourceIds.Make(visit, 6, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiaSourceIds.Make(visit, 200, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiaSourceIds.Make(visit, 0, DiaSourceIds.MaxPerDetectorVisit));
    }
}
