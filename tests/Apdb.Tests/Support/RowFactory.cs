using System.Reflection;
using Apdb.Records;

namespace Apdb.Tests.Support;

/// <summary>Rows with every column set (or every nullable column null), for round-trip tests.</summary>
public static class RowFactory
{
    public static T Fill<T>(Random random, bool nullsWhereAllowed = false)
        where T : new()
    {
        var row = new T();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var type = property.PropertyType;
            var underlying = Nullable.GetUnderlyingType(type);
            var nullable = underlying is not null || (type == typeof(string) && IsNullableReference(property));
            if (nullsWhereAllowed && nullable)
            {
                property.SetValue(row, null);
                continue;
            }

            var t = underlying ?? type;
            object value = t switch
            {
                _ when t == typeof(long) => (long)random.Next(1, int.MaxValue) * 7,
                _ when t == typeof(int) => random.Next(1, 100000),
                _ when t == typeof(short) => (short)random.Next(1, 189),
                _ when t == typeof(double) => Math.Round(random.NextDouble() * 1000, 9),
                _ when t == typeof(float) => (float)(random.NextDouble() * 1000),
                _ when t == typeof(bool) => random.Next(2) == 1,
                _ when t == typeof(string) => property.Name == "Band" ? "ugrizy"[random.Next(6)].ToString() : $"v{random.Next(1000)}",
                _ when t == typeof(DateTime) => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddSeconds(random.Next(1_000_000)),
                _ => throw new NotSupportedException(t.Name),
            };
            property.SetValue(row, value);
        }

        return row;
    }

    /// <summary>A DiaSource with every column filled, at a position and time, on a detector-visit.</summary>
    public static DiaSource Source(Random random, long id, DetectorVisit dv, double ra, double dec, double mjd, long? objectId, bool nulls = false)
    {
        var s = Fill<DiaSource>(random, nulls);
        s.DiaSourceId = id;
        s.Visit = dv.Visit;
        s.Detector = dv.Detector;
        s.Ra = ra;
        s.Dec = dec;
        s.MidpointMjdTai = mjd;
        s.DiaObjectId = objectId;
        return s;
    }

    public static DiaObject Object(Random random, long id, double ra, double dec, bool nulls = false)
    {
        var o = Fill<DiaObject>(random, nulls);
        o.DiaObjectId = id;
        o.Ra = ra;
        o.Dec = dec;
        return o;
    }

    public static DiaForcedSource Forced(Random random, long id, long objectId, DetectorVisit dv, double ra, double dec, double mjd, bool nulls = false)
    {
        var f = Fill<DiaForcedSource>(random, nulls);
        f.DiaForcedSourceId = id;
        f.DiaObjectId = objectId;
        f.Visit = dv.Visit;
        f.Detector = dv.Detector;
        f.Ra = ra;
        f.Dec = dec;
        f.MidpointMjdTai = mjd;
        return f;
    }

    /// <summary>Every public property that differs between two rows, as "Name: a != b".</summary>
    /// <summary>The properties (other than <paramref name="ignoring"/>) whose values differ, as "Name: a != b".</summary>
    public static List<string> Differences<T>(T expected, T actual, params string[] ignoring)
    {
        var result = new List<string>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => !ignoring.Contains(p.Name)))
        {
            var a = property.GetValue(expected);
            var b = property.GetValue(actual);
            if (!Equals(a, b))
            {
                result.Add($"{property.Name}: {a ?? "null"} != {b ?? "null"}");
            }
        }

        return result;
    }

    /// <summary>A copy of a row (every property is a value or a string), to compare with later.</summary>
    public static T Copy<T>(T row)
        where T : class
    {
        var copy = (T)Activator.CreateInstance(typeof(T))!;
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            property.SetValue(copy, property.GetValue(row));
        }

        return copy;
    }

    private static bool IsNullableReference(PropertyInfo property) =>
        new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
}
