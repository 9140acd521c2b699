using Apdb.Frontend;
using Apdb.Records;
using Apdb.Simulation;

namespace Apdb.Pipeline.Tests.Pipeline;

/// <summary>
/// A test double: the exposures of an inner front end, with the DiaSources replaced by what a script returns for the
/// detector-visit (or modified by it), and an optional hook run inside the front end's time slot.
/// </summary>
internal sealed class ScriptedFrontEnd(IDetectorFrontEnd inner, Func<Visit, int, IReadOnlyList<DiaSource>, IReadOnlyList<DiaSource>> script, Action<Visit, int>? during = null)
    : IDetectorFrontEnd
{
    public FrontEndResult Process(Visit visit, int detector, CancellationToken cancellationToken = default)
    {
        var result = inner.Process(visit, detector, cancellationToken);
        during?.Invoke(visit, detector);
        return new FrontEndResult
        {
            DiaSources = script(visit, detector, result.DiaSources),
            Difference = result.Difference,
            Science = result.Science,
            Stages = result.Stages,
        };
    }
}
