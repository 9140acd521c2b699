using System.Reflection;
using Apdb.Records;

namespace Apdb.Tests;

/// <summary>
/// The generated records keep a nullable value column as a field and a presence bit (a boolean's value as a second
/// bit) rather than as a <see cref="Nullable{T}"/> field. Each column must still behave as its own nullable property:
/// no bit shared, no value left behind by a null, true and false and null apart. (<see cref="PackedRowTests"/> decodes
/// packed rows with every mix of nulls straight into the fields.)
/// </summary>
public sealed class RecordStorageTests
{
    private static object? _sink;

    public static TheoryData<Type> Records => [typeof(DiaSource), typeof(DiaForcedSource), typeof(DiaObject), typeof(DiaObjectLast)];

    [Theory]
    [MemberData(nameof(Records))]
    public void Each_nullable_column_is_set_and_cleared_alone(Type type)
    {
        var nullable = NullableValueProperties(type);
        Assert.NotEmpty(nullable);
        var full = Activator.CreateInstance(type)!;
        for (var k = 0; k < nullable.Count; k++)
        {
            nullable[k].SetValue(full, Value(nullable[k], k));
        }

        for (var k = 0; k < nullable.Count; k++)
        {
            var row = Activator.CreateInstance(type)!;
            foreach (var p in nullable)
            {
                p.SetValue(row, p.GetValue(full));
            }

            nullable[k].SetValue(row, null);
            for (var j = 0; j < nullable.Count; j++)
            {
                var expected = j == k ? null : nullable[j].GetValue(full);
                Assert.True(Equals(expected, nullable[j].GetValue(row)), $"{type.Name}.{nullable[j].Name} after clearing {nullable[k].Name}");
            }

            // A cleared column set again reads its new value, not one left behind.
            var again = nullable[k].PropertyType == typeof(bool?) ? (object)!(bool)nullable[k].GetValue(full)! : Value(nullable[k], k + 1000);
            nullable[k].SetValue(row, again);
            Assert.Equal(again, nullable[k].GetValue(row));
        }
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void A_new_record_has_every_nullable_column_null(Type type)
    {
        var row = Activator.CreateInstance(type)!;
        Assert.All(NullableValueProperties(type), p => Assert.Null(p.GetValue(row)));
    }

    [Fact]
    public void A_boolean_column_holds_true_false_and_null_apart()
    {
        var source = new DiaSource { IsDipole = false, GlintTrail = true };
        Assert.False(source.IsDipole);
        Assert.True(source.GlintTrail);
        Assert.Null(source.CentroidFlag);
        source.IsDipole = null;
        source.GlintTrail = false;
        Assert.Null(source.IsDipole);
        Assert.False(source.GlintTrail);
        source.IsDipole = true;
        Assert.True(source.IsDipole);
        Assert.False(source.GlintTrail);
    }

    [Fact]
    public void A_DiaSource_record_takes_no_more_than_its_values_and_two_words_of_bits()
    {
        // 104 columns: with Nullable<T> fields a record took 664 bytes; the bits bring it to 376.
        // Stored in a static field so that the JIT cannot keep it on the stack and the allocation is the record's.
        var before = GC.GetAllocatedBytesForCurrentThread();
        _sink = new DiaSource();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 1, 400);
    }

    internal static List<PropertyInfo> NullableValueProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && Nullable.GetUnderlyingType(p.PropertyType) is not null)];

    /// <summary>A value of the property's type that differs from column to column and from the type's default.</summary>
    internal static object Value(PropertyInfo property, int k) => Nullable.GetUnderlyingType(property.PropertyType)! switch
    {
        var t when t == typeof(bool) => k % 2 == 0,
        var t when t == typeof(float) => k + 0.25f,
        var t when t == typeof(double) => k + 0.125,
        var t when t == typeof(long) => (long)k + 1_000_000_000_000,
        var t when t == typeof(int) => k + 1,
        var t when t == typeof(short) => (short)(k + 1),
        var t => throw new NotSupportedException($"no test value for {t}"),
    };
}
