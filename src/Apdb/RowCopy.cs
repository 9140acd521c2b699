using System.Reflection;

namespace Apdb;

/// <summary>
/// Shallow copies of the record rows (every column is a value or a string, so a shallow copy is a full one): a store
/// sets <c>pixelId</c> and validity intervals on its copies and leaves the caller's rows as they were.
/// </summary>
internal static class RowCopy
{
    private static readonly Func<object, object> Clone = (Func<object, object>)Delegate.CreateDelegate(
        typeof(Func<object, object>),
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!);

    /// <summary>A copy of the row.</summary>
    public static T Of<T>(T row)
        where T : class => (T)Clone(row);

    /// <summary>Copies of the rows, in order, each passed through <paramref name="complete"/>.</summary>
    public static List<T> All<T>(IReadOnlyList<T> rows, Action<T> complete)
        where T : class
    {
        var copies = new List<T>(rows.Count);
        foreach (var row in rows)
        {
            var copy = Of(row);
            complete(copy);
            copies.Add(copy);
        }

        return copies;
    }
}
