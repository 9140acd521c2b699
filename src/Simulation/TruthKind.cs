namespace Apdb.Simulation;

/// <summary>What a simulated detection really is.</summary>
public enum TruthKind
{
    /// <summary>A variable source at a fixed position (detected in every visit that covers it).</summary>
    Variable = 0,

    /// <summary>A transient rising and declining over weeks.</summary>
    Transient = 1,

    /// <summary>A one-off false positive (artifact), a new DiaObject each.</summary>
    FalsePositive = 2,

    /// <summary>A solar-system object moving across the region.</summary>
    Moving = 3,
}
