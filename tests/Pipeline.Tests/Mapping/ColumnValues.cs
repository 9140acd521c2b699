using Apdb.Records;
using Avro;
using Avro.Generic;
using Avro.IO;
using Apdb.Alerts;

namespace Apdb.Pipeline.Tests.Mapping;

/// <summary>Column-by-column comparison of records, and of a record with its Avro alert record, by column name.</summary>
internal static class ColumnValues
{
    public static object? Of<T>(T record, ApdbColumn column) =>
        typeof(T).GetProperty(column.Property)?.GetValue(record)
        ?? (typeof(T).GetProperty(column.Property) is null ? throw new InvalidOperationException($"{typeof(T).Name} has no property {column.Property} for column {column.Name}") : null);

    /// <summary>Asserts that <paramref name="actual"/> holds <paramref name="expected"/>'s value in every column but <paramref name="except"/>.</summary>
    public static void Same<T>(IReadOnlyList<ApdbColumn> columns, T expected, T actual, string what, string? except = null)
    {
        foreach (var column in columns.Where(c => c.Name != except))
        {
            var e = Of(expected, column);
            var a = Of(actual, column);
            Assert.True(Equals(e, a), $"{what}: column {column.Name}: expected {e ?? "null"}, got {a ?? "null"}");
        }
    }

    /// <summary>
    /// Asserts that each field of the Avro record holds the value of the column of the same name (Avro has no 16-bit int:
    /// a smallint is an int), that the encoder reads that field from the column's property, and that every column is a
    /// field or is listed as left out.
    /// </summary>
    public static void SameAsAvro<T>(
        IReadOnlyList<ApdbColumn> columns, IReadOnlyList<(string Field, string Property)> fields, IReadOnlyList<(string Column, string Reason)> omitted,
        T record, GenericRecord avro, string what)
    {
        Assert.Equal(columns.Select(c => c.Name).Order(StringComparer.Ordinal), fields.Select(f => f.Field).Concat(omitted.Select(o => o.Column)).Order(StringComparer.Ordinal));
        foreach (var (field, property) in fields)
        {
            var column = columns.Single(c => c.Name == field);
            Assert.Equal(column.Property, property);
            var expected = Of(record, column) is short s ? (int)s : Of(record, column);
            var actual = avro[field];
            Assert.True(Equals(expected, actual), $"{what}: Avro field {field}: expected {expected ?? "null"}, got {actual ?? "null"}");
        }
    }

    /// <summary>Encodes with <paramref name="write"/> and decodes with Apache.Avro's generic reader and our record schema.</summary>
    public static GenericRecord ToAvro(string recordName, Action<Encoder> write)
    {
        using var stream = new MemoryStream();
        var encoder = new BinaryEncoder(stream);
        write(encoder);
        encoder.Flush();
        stream.Position = 0;
        var schema = Find(AlertSchema.Alert, recordName) ?? throw new InvalidOperationException($"the alert schema has no record {recordName}");
        var record = new GenericDatumReader<GenericRecord>(schema, schema).Read(null!, new BinaryDecoder(stream));
        Assert.Equal(stream.Length, stream.Position);
        return record;
    }

    private static RecordSchema? Find(Avro.Schema schema, string name) => schema switch
    {
        RecordSchema r when r.Name == name => r,
        RecordSchema r => r.Fields.Select(f => Find(f.Schema, name)).FirstOrDefault(x => x is not null),
        UnionSchema u => u.Schemas.Select(x => Find(x, name)).FirstOrDefault(x => x is not null),
        ArraySchema a => Find(a.ItemSchema, name),
        _ => null,
    };
}
