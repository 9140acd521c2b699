using Apdb.Serve.Adql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace Apdb.Serve.Tap;

/// <summary>The TAP 1.1 endpoints under /tap: sync, async (UWS), capabilities, tables, availability.</summary>
public static partial class TapEndpoints
{
    private const string XmlType = "text/xml; charset=utf-8";

    /// <summary>Adds the endpoints to <paramref name="routes"/>.</summary>
    public static void Map(IEndpointRouteBuilder routes, TapQueryRunner runner, UwsJobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapMethods("/tap/sync", ["GET", "POST"], (HttpContext http) => SyncAsync(http, runner));
        routes.MapGet("/tap/capabilities", (HttpContext http) => Results.Text(VosiDocuments.Capabilities(TapUrl(http.Request), runner.Options), XmlType));
        routes.MapGet("/tap/tables", () => Results.Text(VosiDocuments.Tables(runner.Catalog), XmlType));
        routes.MapGet("/tap/availability", (Func<HttpContext, Task<IResult>>)(http => AvailabilityAsync(runner, http.RequestAborted)));
        routes.MapGet("/tap", (HttpContext http) => Results.Redirect(TapUrl(http.Request) + "/capabilities"));
        MapAsync(routes, jobs);
    }

    /// <summary>The TAP base URL as the client reached it.</summary>
    internal static string TapUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/tap";

    /// <summary>The request's parameters: query string and form, names as given (DALI compares them case-insensitively).</summary>
    internal static async Task<Dictionary<string, string>> ParametersAsync(HttpRequest request)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in request.Query)
        {
            parameters.TryAdd(key, value.Count > 0 ? value[0] ?? string.Empty : string.Empty);
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            foreach (var (key, value) in form)
            {
                parameters.TryAdd(key, value.Count > 0 ? value[0] ?? string.Empty : string.Empty);
            }
        }

        return parameters;
    }

    private static async Task SyncAsync(HttpContext http, TapQueryRunner runner)
    {
        var response = http.Response;
        var cancellationToken = http.RequestAborted;
        TapRequest request;
        try
        {
            request = TapRequest.From(await ParametersAsync(http.Request), runner.Options);
        }
        catch (TapException ex)
        {
            await ErrorAsync(response, StatusCodes.Status400BadRequest, ex.Message, cancellationToken);
            return;
        }

        // The result is buffered (memory, then a temporary file) so that a query the database refuses still gets a
        // clean error document and status instead of a half-sent table.
        await using var buffer = new FileBufferingWriteStream();
        try
        {
            await runner.RunAsync(request, buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is AdqlException or TapException)
        {
            await ErrorAsync(response, StatusCodes.Status400BadRequest, ex.Message, cancellationToken);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = TapRequest.MediaType(request.Format);
        await buffer.DrainBufferAsync(response.Body, cancellationToken);
    }

    private static async Task<IResult> AvailabilityAsync(TapQueryRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            await runner.ReadAsync("SELECT 1", [], cancellationToken);
            return Results.Text(VosiDocuments.Availability(true, "the APDB answers"), XmlType);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            return Results.Text(VosiDocuments.Availability(false, $"the APDB does not answer: {ex.Message}"), XmlType);
        }
    }

    internal static async Task ErrorAsync(HttpResponse response, int status, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/x-votable+xml";
        await VoTableWriter.WriteErrorAsync(response.Body, message, cancellationToken);
    }
}
