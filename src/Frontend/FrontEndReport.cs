using Apdb.Simulation.Rendering;

namespace Apdb.Frontend;

/// <summary>The contract's result plus the rendered inputs (with their truth) and the front end's diagnostics.</summary>
/// <param name="Result">What DiaPipe receives.</param>
/// <param name="Rendered">The simulated inputs and truth.</param>
/// <param name="Diagnostics">Measured quality figures.</param>
public sealed record FrontEndReport(FrontEndResult Result, RenderedDetector Rendered, FrontEndDiagnostics Diagnostics);
