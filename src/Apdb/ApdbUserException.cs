namespace Apdb;

/// <summary>
/// A problem with what the user asked for or gave (bad input, an unreachable server, a schema this tool does not know).
/// The command line prints its one-line message and exits with 1; nothing has been written.
/// </summary>
public sealed class ApdbUserException : Exception
{
    /// <summary>Creates the exception with a one-line message that says what was wrong and where.</summary>
    public ApdbUserException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public ApdbUserException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message; prefer the overloads that say what went wrong.</summary>
    public ApdbUserException()
        : base("invalid input")
    {
    }
}
