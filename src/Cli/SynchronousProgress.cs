namespace Apdb.Cli;

/// <summary>
/// Calls back on the reporting thread, one report at a time (<see cref="Progress{T}"/> would post to a context the
/// console does not have, so a line could arrive after the command has printed its result). Reports from several
/// threads, such as one per shard, are serialised.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
