namespace Apdb.Alerts;

/// <summary>
/// Alerts of a detector-visit could not be made or written (a DiaSource without its DiaObject, an unwritable directory).
/// The message is one line that names the detector-visit or the file; no alert file of that detector-visit was left.
/// </summary>
public sealed class AlertException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public AlertException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public AlertException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message; prefer the overloads that say what went wrong.</summary>
    public AlertException()
        : base("alerts could not be written")
    {
    }
}
