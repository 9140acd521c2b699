using System.Globalization;

namespace Apdb.Association;

/// <summary>
/// A detector-visit would create more new DiaObjects than its limit allows (ap_association's
/// <c>maxNewDiaObjects</c> guard, Rubin's <c>TooManyDiaObjectsError</c>): usually a bad subtraction, so the visit is
/// refused rather than flooding the APDB with spurious objects.
/// </summary>
public sealed class TooManyNewDiaObjectsException : Exception
{
    /// <summary>Creates the exception with an empty message.</summary>
    public TooManyNewDiaObjectsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public TooManyNewDiaObjectsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public TooManyNewDiaObjectsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a count over a limit.</summary>
    /// <param name="count">The number of new DiaObjects the visit would create.</param>
    /// <param name="limit">The limit.</param>
    public TooManyNewDiaObjectsException(int count, int limit)
        : base(string.Create(CultureInfo.InvariantCulture, $"would create {count} new DiaObjects, more than maxNewDiaObjects = {limit}; refused, nothing stored"))
    {
        Count = count;
        Limit = limit;
    }

    /// <summary>The number of new DiaObjects the visit would create.</summary>
    public int Count { get; }

    /// <summary>The limit that was exceeded.</summary>
    public int Limit { get; }
}
