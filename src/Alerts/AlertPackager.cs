namespace Apdb.Alerts;

/// <summary>Builds a detector-visit's packets and writes its alert file: what the pipeline calls after the store commits.</summary>
public sealed class AlertPackager
{
    /// <summary>Creates a packager.</summary>
    public AlertPackager(AlertFileWriter writer, AlertPacketBuilder? builder = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Writer = writer;
        Builder = builder ?? new AlertPacketBuilder();
    }

    /// <summary>The file writer.</summary>
    public AlertFileWriter Writer { get; }

    /// <summary>The packet builder.</summary>
    public AlertPacketBuilder Builder { get; }

    /// <summary>Builds and writes the alerts of one detector-visit.</summary>
    /// <exception cref="AlertException">A packet could not be built or the file written; no file was left.</exception>
    public AlertFileResult Package(AlertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var packets = Builder.Build(input);
        var (path, bytes) = Writer.Write(input.DetectorVisit, packets);
        return new AlertFileResult(path, packets.Count, bytes);
    }
}
