using Avro;

namespace Apdb.Alerts;

/// <summary>
/// Rubin's alert schema v10.0 (<c>lsst.v10_0.alert</c>) as this project writes it: generated from the APDB schema by
/// <c>tools/schema/generate.py</c> and embedded in the assembly.
/// </summary>
public static class AlertSchema
{
    private static readonly Lazy<(string Json, RecordSchema Schema)> Loaded = new(Load);

    /// <summary>The schema version, as Rubin names it.</summary>
    public const string Version = "10.0";

    /// <summary>
    /// The schema id written in Confluent wire-format frames: 100 x major + minor of the schema version (1000 for 10.0).
    /// A consumer with its own registry maps this id to the schema in <see cref="Json"/>.
    /// </summary>
    public const int ConfluentSchemaId = 1000;

    /// <summary>The parsed schema of the <c>alert</c> record.</summary>
    public static RecordSchema Alert => Loaded.Value.Schema;

    /// <summary>The schema as JSON text.</summary>
    public static string Json => Loaded.Value.Json;

    private static (string, RecordSchema) Load()
    {
        const string Name = "lsst.v10_0.alert.avsc";
        using var stream = typeof(AlertSchema).Assembly.GetManifestResourceStream(Name)
            ?? throw new InvalidOperationException($"the alert schema resource {Name} is missing from {typeof(AlertSchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var json = reader.ReadToEnd();
        return (json, (RecordSchema)Avro.Schema.Parse(json));
    }
}
