using Apdb.Records;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>
/// What DiaPipe loads from the APDB for one detector-visit before association: the current DiaObjects in the padded
/// detector region and their DiaSources and DiaForcedSources of the last months.
/// </summary>
/// <param name="Objects">Current versions (DiaObjectLast) in the padded region.</param>
/// <param name="Sources">DiaSources in the padded region within the history window.</param>
/// <param name="ForcedSources">DiaForcedSources in the padded region within the history window.</param>
/// <param name="Span">When the reads ran, on the pipeline's clock.</param>
public sealed record DiaPreload(
    IReadOnlyList<DiaObjectLast> Objects,
    IReadOnlyList<DiaSource> Sources,
    IReadOnlyList<DiaForcedSource> ForcedSources,
    StageSpan Span);
