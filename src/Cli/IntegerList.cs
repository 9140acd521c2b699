using System.Globalization;
using Apdb.Sky;

namespace Apdb.Cli;

/// <summary>An option's comma-separated list of integers (spaces around entries and empty entries ignored).</summary>
internal static class IntegerList
{
    /// <summary>
    /// The integers of <paramref name="text"/> in the order given (none for null or blank text). An entry that is not an
    /// integer in [<paramref name="min"/>, <paramref name="max"/>] throws what <paramref name="refuse"/> makes of the
    /// entry, quoted for the message.
    /// </summary>
    public static List<long> Parse(string? text, long min, long max, Func<string, Exception> refuse)
    {
        var values = new List<long>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return values;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw refuse(UserText.Quote(part));
            }

            values.Add(value);
        }

        return values;
    }
}
