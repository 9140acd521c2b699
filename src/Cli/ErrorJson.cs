using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Apdb.Cli;

/// <summary>An error as <c>--json</c> reports it on stderr: the one-line message and the exit code.</summary>
internal sealed record ErrorJson([property: JsonPropertyName("error")] string Error, [property: JsonPropertyName("code")] int Code)
{
    /// <summary>Quotes and non-ASCII text stay readable; JSON's own escapes still apply.</summary>
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
