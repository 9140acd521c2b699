using Microsoft.AspNetCore.Http;

namespace Apdb.Serve.Tap;

/// <summary>HTTP 303 See Other, the redirect UWS prescribes after a POST (ASP.NET's own redirects are 302 or 307).</summary>
public sealed class SeeOther : IResult
{
    private readonly string _location;

    /// <summary>A redirect to <paramref name="location"/>.</summary>
    public SeeOther(string location)
    {
        _location = location;
    }

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        httpContext.Response.Headers.Location = _location;
        return Task.CompletedTask;
    }
}
