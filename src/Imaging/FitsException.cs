namespace Apdb.Imaging;

/// <summary>
/// A FITS file that cannot be read or written as asked: not FITS, truncated, an unsupported BITPIX, a missing HDU.
/// The message is one line that names the file and the problem, so callers can show it to users as is.
/// </summary>
public sealed class FitsException : Exception
{
    /// <summary>Creates the exception with a one-line message naming the file and the problem.</summary>
    public FitsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the I/O error behind it.</summary>
    public FitsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with no message; prefer the constructors that say what went wrong.</summary>
    public FitsException()
        : base("FITS error")
    {
    }
}
