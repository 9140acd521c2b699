using System.Diagnostics;

namespace Apdb.Frontend;

/// <summary>
/// Times named stages in order (elapsed-time measurement only, no wall-clock reads), and the process CPU time each
/// took: on a shared machine CPU seconds are the steadier figure (they include only this process's threads, so
/// stages running in parallel on other detectors blur them).
/// </summary>
internal sealed class StageClock
{
    private readonly List<StageTiming> _stages = [];
    private readonly List<StageTiming> _cpu = [];
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public IReadOnlyList<StageTiming> Stages => _stages;

    public IReadOnlyList<StageTiming> CpuSeconds => _cpu;

    public T Run<T>(string stage, Func<T> body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var start = _watch.Elapsed.TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var result = body();
        _stages.Add(new StageTiming(stage, _watch.Elapsed.TotalSeconds - start));
        _cpu.Add(new StageTiming(stage, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - cpu));
        return result;
    }
}
