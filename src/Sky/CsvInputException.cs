namespace Apdb.Sky;

/// <summary>
/// A CSV input that cannot be read as asked: a missing file, an empty file, a missing column, a row of the wrong width
/// or a value that does not parse. The message is one line that names the source, the line and the column.
/// </summary>
public sealed class CsvInputException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public CsvInputException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line naming the source, the line and the column.</param>
    public CsvInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">One line naming the source, the line and the column.</param>
    /// <param name="innerException">The cause.</param>
    public CsvInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
