using System.Reflection;
using Apdb.Simulation;
using Apdb.Sky;

namespace Apdb.Pipeline.Tests.Mapping;

/// <summary>Simulated rows with every field random (each scalar field by reflection, so a new field is covered too).</summary>
internal static class RandomRows
{
    private static readonly DiaSourceFlags AllFlags = Enum.GetValues<DiaSourceFlags>().Aggregate(DiaSourceFlags.None, (a, b) => a | b);

    /// <summary>DiaSources of one detector-visit in a small patch of sky, within a month of <paramref name="mjd"/>.</summary>
    public static DiaSourceRow[] DiaSources(Random random, int count, long visit, short detector, double mjd)
    {
        var rows = new DiaSourceRow[count];
        for (var i = 0; i < count; i++)
        {
            var row = Fill<DiaSourceRow>(random);
            row.DiaSourceId = (visit * 1000) + i;
            row.DiaObjectId = random.NextInt64(1, long.MaxValue);
            row.Visit = visit;
            row.Detector = detector;
            row.Flags = (DiaSourceFlags)((ulong)random.NextInt64() & (ulong)AllFlags);
            row.Band = (byte)random.Next(Bands.Count);
            (row.Ra, row.Dec, row.MidpointMjdTai) = (10 + (random.NextDouble() * 0.2), -5 + (random.NextDouble() * 0.2), mjd + (random.NextDouble() * 20));
            row.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, row.Ra, row.Dec);
            rows[i] = row;
        }

        return rows;
    }

    /// <summary>DiaObject versions with some summaries undefined (NaN, which the APDB stores as NULL).</summary>
    public static DiaObjectRow[] DiaObjects(Random random, int count)
    {
        var rows = new DiaObjectRow[count];
        for (var i = 0; i < count; i++)
        {
            var row = Fill<DiaObjectRow>(random);
            row.DiaObjectId = i + 1;
            row.ValidityEndMjdTai = random.NextDouble() < 0.3 ? double.NaN : row.ValidityEndMjdTai;
            row.FirstDiaSourceMjdTai = random.NextDouble() < 0.3 ? double.NaN : row.FirstDiaSourceMjdTai;
            row.LastDiaSourceMjdTai = random.NextDouble() < 0.3 ? double.NaN : row.LastDiaSourceMjdTai;
            object boxed = row;
            foreach (var field in typeof(DiaObjectRow).GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (field.FieldType == typeof(BandFloats))
                {
                    var values = default(BandFloats);
                    for (var b = 0; b < Bands.Count; b++)
                    {
                        values[b] = random.NextDouble() < 0.2 ? float.NaN : Float(random);
                    }

                    field.SetValue(boxed, values);
                }
                else if (field.FieldType == typeof(BandInts))
                {
                    var values = default(BandInts);
                    for (var b = 0; b < Bands.Count; b++)
                    {
                        values[b] = random.Next(1000);
                    }

                    field.SetValue(boxed, values);
                }
            }

            rows[i] = (DiaObjectRow)boxed;
        }

        return rows;
    }

    /// <summary>DiaForcedSources of one detector-visit, one per DiaObject, in a small patch of sky.</summary>
    public static DiaForcedSourceRow[] DiaForcedSources(Random random, int count, long visit, short detector, double mjd)
    {
        var rows = new DiaForcedSourceRow[count];
        for (var i = 0; i < count; i++)
        {
            var row = Fill<DiaForcedSourceRow>(random);
            row.DiaForcedSourceId = (visit * 1000) + i;
            row.DiaObjectId = (visit * 1000) + i + 1;
            row.Visit = visit;
            row.Detector = detector;
            row.Band = (byte)random.Next(Bands.Count);
            (row.Ra, row.Dec, row.MidpointMjdTai) = (10 + (random.NextDouble() * 0.2), -5 + (random.NextDouble() * 0.2), mjd + (random.NextDouble() * 20));
            row.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, row.Ra, row.Dec);
            rows[i] = row;
        }

        return rows;
    }

    private static T Fill<T>(Random random)
        where T : struct
    {
        object boxed = default(T);
        foreach (var field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            object? value = field.FieldType switch
            {
                var t when t == typeof(double) => (random.NextDouble() * 2e5) - 1e5,
                var t when t == typeof(float) => Float(random),
                var t when t == typeof(long) => random.NextInt64(),
                var t when t == typeof(int) => random.Next(),
                var t when t == typeof(short) => (short)random.Next(short.MaxValue),
                _ => null,
            };
            if (value is not null)
            {
                field.SetValue(boxed, value);
            }
        }

        return (T)boxed;
    }

    private static float Float(Random random) => (float)((random.NextDouble() * 2e4) - 1e4);
}
