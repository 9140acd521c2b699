namespace Apdb.Serve.Tap;

/// <summary>A request the service refuses: a missing or bad parameter, or a query the database rejected; the message says which.</summary>
public sealed class TapException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public TapException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public TapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public TapException()
        : base("bad TAP request")
    {
    }
}
