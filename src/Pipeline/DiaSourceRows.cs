using Apdb.History;
using Apdb.Records;
using Apdb.Simulation;

namespace Apdb.Pipeline;

/// <summary>The simulation's catalog-level DiaSource rows as APDB records (the same column map the history loader uses).</summary>
public static class DiaSourceRows
{
    /// <summary>The record of one simulated row; <c>diaObjectId</c> is left null for association to fill.</summary>
    public static DiaSource ToRecord(in DiaSourceRow r)
    {
        var record = DiaSourceColumns.ToRecord(new SimulatedDiaSource(in r));
        record.DiaObjectId = null;
        return record;
    }
}
