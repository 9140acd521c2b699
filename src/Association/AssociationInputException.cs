namespace Apdb.Association;

/// <summary>
/// A user error in association input: a bad coordinate, a duplicate id, a missing column, a bad radius.
/// The message says what and where (file, line, row id or column).
/// </summary>
public sealed class AssociationInputException : Exception
{
    /// <summary>Creates the exception with an empty message.</summary>
    public AssociationInputException()
    {
    }

    /// <summary>Creates the exception with a message that says what and where.</summary>
    /// <param name="message">What is wrong and where.</param>
    public AssociationInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="innerException">The underlying error.</param>
    public AssociationInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
