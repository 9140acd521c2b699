using System.Reflection;
using System.Text.Json.Nodes;
using Apdb.Records;
using Avro;

namespace Apdb.Alerts.Tests;

public sealed class AlertSchemaTests
{
    public static TheoryData<string> RubinRecords => new() { "diaSource", "diaObject", "diaForcedSource", "ssSource", "mpc_orbits" };

    [RubinSchemaFact]
    public void The_alert_record_has_Rubins_fields_in_Rubins_order_with_Rubins_types()
    {
        var dir = AvroPeer.RubinSchemaDir ?? throw new InvalidOperationException("APDB_REQUIRE_ORACLES=1 but Rubin's alert schema was not found beside the repository");
        var rubin = Fields(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "lsst.v10_0.alert.avsc")))!);
        var ours = Fields(JsonNode.Parse(AlertSchema.Json)!);

        Assert.Equal(rubin.Select(f => f.Name), ours.Select(f => f.Name));
        Assert.Equal(rubin.Select(f => f.Type), ours.Select(f => f.Type));
    }

    [RubinSchemaTheory]
    [MemberData(nameof(RubinRecords))]
    public void Each_record_has_Rubins_fields_in_Rubins_order_with_Rubins_types_and_defaults(string record)
    {
        var dir = AvroPeer.RubinSchemaDir ?? throw new InvalidOperationException("APDB_REQUIRE_ORACLES=1 but Rubin's alert schema was not found beside the repository");
        var rubin = Fields(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, $"lsst.v10_0.{record}.avsc")))!);
        var ours = Fields(FindRecord(JsonNode.Parse(AlertSchema.Json)!, record) ?? throw new InvalidOperationException($"our schema has no record {record}"));

        Assert.Equal(rubin.Select(f => f.Name), ours.Select(f => f.Name));
        Assert.Equal(rubin.Select(f => $"{f.Name}: {f.Type} = {f.Default}"), ours.Select(f => $"{f.Name}: {f.Type} = {f.Default}"));
    }

    [Fact]
    public void Every_field_of_the_encoded_records_comes_from_a_record_property_of_the_right_type()
    {
        Check(typeof(DiaSource), "diaSource", AvroRecordEncoder.DiaSourceFields);
        Check(typeof(DiaObject), "diaObject", AvroRecordEncoder.DiaObjectFields);
        Check(typeof(DiaForcedSource), "diaForcedSource", AvroRecordEncoder.DiaForcedSourceFields);

        static void Check(Type type, string record, IReadOnlyList<(string Field, string Property)> map)
        {
            var schema = Find(AlertSchema.Alert, record)!;
            var nullability = new NullabilityInfoContext();
            Assert.Equal(schema.Fields.Select(f => f.Name), map.Select(m => m.Field));
            foreach (var (field, property) in map)
            {
                var p = type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance);
                Assert.True(p is not null, $"{type.Name} has no property {property} for Avro field {record}.{field}");
                var avro = schema[field].Schema;
                var primitive = avro is UnionSchema u ? u.Schemas[1] : avro;
                var clr = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                var expected = primitive.Tag switch
                {
                    Avro.Schema.Type.Long => [typeof(long)],
                    Avro.Schema.Type.Int => new[] { typeof(int), typeof(short) },
                    Avro.Schema.Type.Float => [typeof(float)],
                    Avro.Schema.Type.Double => [typeof(double)],
                    Avro.Schema.Type.Boolean => [typeof(bool)],
                    Avro.Schema.Type.String => [typeof(string)],
                    _ => [],
                };
                Assert.True(expected.Contains(clr), $"{record}.{field} is Avro {primitive.Tag}, {type.Name}.{property} is {clr.Name}");
                if (avro is not UnionSchema)
                {
                    Assert.True(nullability.Create(p).ReadState == NullabilityState.NotNull,
                        $"{record}.{field} is not nullable in the alert but {type.Name}.{property} is");
                }
            }
        }
    }

    [Fact]
    public void The_embedded_schema_parses_as_the_alert_record_of_lsst_v10_0()
    {
        Assert.Equal("lsst.v10_0.alert", AlertSchema.Alert.Fullname);
        Assert.Equal(98, Find(AlertSchema.Alert, "diaSource")!.Fields.Count);
        Assert.Equal(82, Find(AlertSchema.Alert, "diaObject")!.Fields.Count);
        Assert.Equal(14, Find(AlertSchema.Alert, "diaForcedSource")!.Fields.Count);
    }

    internal static RecordSchema? Find(Avro.Schema schema, string name) => schema switch
    {
        RecordSchema r when r.Name == name => r,
        RecordSchema r => r.Fields.Select(f => Find(f.Schema, name)).FirstOrDefault(x => x is not null),
        UnionSchema u => u.Schemas.Select(s => Find(s, name)).FirstOrDefault(x => x is not null),
        ArraySchema a => Find(a.ItemSchema, name),
        _ => null,
    };

    private static JsonNode? FindRecord(JsonNode node, string name)
    {
        switch (node)
        {
            case JsonObject o when o["type"] is JsonValue t && (string?)t == "record" && (string?)o["name"] == name:
                return o;
            case JsonObject o:
                return o.Select(kv => kv.Value is null ? null : FindRecord(kv.Value, name)).FirstOrDefault(x => x is not null);
            case JsonArray a:
                return a.Select(x => x is null ? null : FindRecord(x, name)).FirstOrDefault(x => x is not null);
            default:
                return null;
        }
    }

    /// <summary>Name, type (nested records by full name, docs dropped) and default of each field.</summary>
    private static List<(string Name, string Type, string Default)> Fields(JsonNode record) =>
        [.. record["fields"]!.AsArray().Select(f => ((string)f!["name"]!, TypeText(f["type"]!), f.AsObject().TryGetPropertyValue("default", out var d) ? d?.ToJsonString() ?? "null" : "(none)"))];

    private static string TypeText(JsonNode type) => type switch
    {
        JsonValue v => Qualified((string)v!),
        JsonArray a => "[" + string.Join(",", a.Select(x => TypeText(x!))) + "]",
        JsonObject o when o["type"] is JsonValue t && (string?)t == "record" => Qualified((string)o["name"]!),
        JsonObject o when o["type"] is JsonValue t && (string?)t == "array" => "array<" + TypeText(o["items"]!) + ">",
        JsonObject o => o["logicalType"] is { } logical ? $"{(string)o["type"]!}:{(string)logical!}" : TypeText(o["type"]!),
        _ => type.ToJsonString(),
    };

    private static string Qualified(string name) => name.StartsWith("lsst.v10_0.", StringComparison.Ordinal) ? name["lsst.v10_0.".Length..] : name;
}
