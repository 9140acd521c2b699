namespace Apdb.Serve.Adql;

/// <summary>A query that is not valid ADQL, or asks for something this service does not offer; the message names where.</summary>
public sealed class AdqlException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public AdqlException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public AdqlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message; prefer the overloads that say what went wrong.</summary>
    public AdqlException()
        : base("invalid ADQL")
    {
    }

    /// <summary>An error at a character offset of the query, reported as line and column (1-based).</summary>
    public static AdqlException At(string query, int position, string message)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < position && i < query.Length; i++)
        {
            if (query[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new AdqlException($"ADQL error at line {line}, column {column}: {message}");
    }
}
