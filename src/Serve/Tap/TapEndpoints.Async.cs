using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Apdb.Serve.Tap;

/// <summary>UWS 1.1 under /tap/async: create, list, phase (RUN, ABORT), WAIT, results, error, parameters, destruction, delete.</summary>
public static partial class TapEndpoints
{
    private const string TextType = "text/plain; charset=utf-8";

    private static void MapAsync(IEndpointRouteBuilder routes, UwsJobStore jobs)
    {
        routes.MapGet("/tap/async", (HttpContext http) => Results.Text(UwsDocuments.JobList(jobs.Jobs, TapUrl(http.Request) + "/async"), XmlType));
        routes.MapPost("/tap/async", (Func<HttpContext, Task<IResult>>)(http => CreateAsync(http, jobs)));
        routes.MapGet("/tap/async/{id}", (HttpContext http, string id) => GetJobAsync(http, jobs, id));
        routes.MapPost("/tap/async/{id}", (HttpContext http, string id) => PostJobAsync(http, jobs, id));
        routes.MapDelete("/tap/async/{id}", (HttpContext http, string id) => WithJob(jobs, id, job =>
        {
            jobs.Delete(job);
            return new SeeOther(TapUrl(http.Request) + "/async");
        }));
        routes.MapGet("/tap/async/{id}/phase", (string id) => WithJob(jobs, id, job => Results.Text(UwsDocuments.PhaseName(job.Phase), TextType)));
        routes.MapPost("/tap/async/{id}/phase", (HttpContext http, string id) => PostPhaseAsync(http, jobs, id));
        routes.MapGet("/tap/async/{id}/executionduration", (string id) => WithJob(jobs, id, job => Results.Text(((long)job.ExecutionDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture), TextType)));
        routes.MapPost("/tap/async/{id}/executionduration", (HttpContext http, string id) => PostDurationAsync(http, jobs, id));
        routes.MapGet("/tap/async/{id}/destruction", (string id) => WithJob(jobs, id, job => Results.Text(UwsDocuments.Time(job.Destruction), TextType)));
        routes.MapPost("/tap/async/{id}/destruction", (HttpContext http, string id) => PostDestructionAsync(http, jobs, id));
        routes.MapGet("/tap/async/{id}/quote", (string id) => WithJob(jobs, id, _ => Results.Text(string.Empty, TextType)));
        routes.MapGet("/tap/async/{id}/owner", (string id) => WithJob(jobs, id, _ => Results.Text(string.Empty, TextType)));
        routes.MapGet("/tap/async/{id}/parameters", (string id) => WithJob(jobs, id, job => Results.Text(UwsDocuments.ParametersDocument(job), XmlType)));
        routes.MapPost("/tap/async/{id}/parameters", (HttpContext http, string id) => PostParametersAsync(http, jobs, id));
        routes.MapGet("/tap/async/{id}/results", (HttpContext http, string id) => WithJob(jobs, id, job => Results.Text(UwsDocuments.Results(job, JobUrl(http, job)), XmlType)));
        routes.MapGet("/tap/async/{id}/results/result", (string id) => WithJob(jobs, id, Result));
        routes.MapGet("/tap/async/{id}/error", (HttpContext http, string id) => ErrorDocumentAsync(http, jobs, id));
    }

    private static string JobUrl(HttpContext http, UwsJob job) => $"{TapUrl(http.Request)}/async/{job.Id}";

    private static IResult SeeJob(HttpContext http, UwsJob job) => new SeeOther(JobUrl(http, job));

    private static IResult WithJob(UwsJobStore jobs, string id, Func<UwsJob, IResult> action) =>
        jobs.Find(id) is { } job ? action(job) : Results.Text($"no job {id}: it never existed, was deleted or has expired", TextType, statusCode: StatusCodes.Status404NotFound);

    private static async Task<IResult> CreateAsync(HttpContext http, UwsJobStore jobs)
    {
        var parameters = await ParametersAsync(http.Request);
        var phase = TapRequest.Get(parameters, "PHASE");
        parameters.Remove("PHASE");
        UwsJob job;
        try
        {
            job = jobs.Create(parameters);
        }
        catch (TapException ex)
        {
            return Results.Text(ex.Message, TextType, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (string.Equals(phase, "RUN", StringComparison.OrdinalIgnoreCase))
        {
            jobs.Run(job);
        }

        return SeeJob(http, job);
    }

    private static async Task<IResult> GetJobAsync(HttpContext http, UwsJobStore jobs, string id)
    {
        if (jobs.Find(id) is not { } job)
        {
            return WithJob(jobs, id, _ => Results.Empty);
        }

        // UWS 1.1 blocking: WAIT=n seconds (-1: the service's longest) while the job is in a non-final phase.
        if (http.Request.Query.TryGetValue("WAIT", out var waitText) && double.TryParse(waitText.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var wait) && !job.IsFinal)
        {
            var longest = TimeSpan.FromSeconds(60);
            var timeout = wait < 0 ? longest : TimeSpan.FromSeconds(Math.Min(wait, longest.TotalSeconds));
            await UwsJobStore.WaitAsync(job, timeout, http.RequestAborted);
        }

        return Results.Text(UwsDocuments.Job(job, JobUrl(http, job)), XmlType);
    }

    private static async Task<IResult> PostJobAsync(HttpContext http, UwsJobStore jobs, string id)
    {
        var parameters = await ParametersAsync(http.Request);
        return WithJob(jobs, id, job =>
        {
            if (string.Equals(TapRequest.Get(parameters, "ACTION"), "DELETE", StringComparison.OrdinalIgnoreCase))
            {
                jobs.Delete(job);
                return new SeeOther(TapUrl(http.Request) + "/async");
            }

            return ApplyPhase(http, jobs, job, TapRequest.Get(parameters, "PHASE"));
        });
    }

    private static async Task<IResult> PostParametersAsync(HttpContext http, UwsJobStore jobs, string id)
    {
        var parameters = await ParametersAsync(http.Request);
        return WithJob(jobs, id, job =>
        {
            // UWS: parameters may change while the job is PENDING; afterwards the request is refused.
            lock (job.Gate)
            {
                if (job.Phase != UwsPhase.Pending)
                {
                    return Results.Text($"job {job.Id} is {UwsDocuments.PhaseName(job.Phase)}: its parameters can no longer change", TextType, statusCode: StatusCodes.Status409Conflict);
                }

                var merged = new Dictionary<string, string>(job.Parameters, StringComparer.OrdinalIgnoreCase);
                foreach (var (name, value) in parameters)
                {
                    merged[name] = value;
                }

                job.Parameters = merged;
            }

            return SeeJob(http, job);
        });
    }

    private static async Task<IResult> PostPhaseAsync(HttpContext http, UwsJobStore jobs, string id)
    {
        var phase = TapRequest.Get(await ParametersAsync(http.Request), "PHASE");
        return WithJob(jobs, id, job => ApplyPhase(http, jobs, job, phase));
    }

    private static IResult ApplyPhase(HttpContext http, UwsJobStore jobs, UwsJob job, string? phase)
    {
        switch (phase?.ToUpperInvariant())
        {
            case "RUN":
                jobs.Run(job);
                return SeeJob(http, job);
            case "ABORT":
                jobs.Abort(job);
                return SeeJob(http, job);
            case null:
                return SeeJob(http, job);
            default:
                return Results.Text($"PHASE={phase} is not an action: use RUN or ABORT", TextType, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> PostDurationAsync(HttpContext http, UwsJobStore jobs, string id)
    {
        var text = TapRequest.Get(await ParametersAsync(http.Request), "EXECUTIONDURATION");
        return WithJob(jobs, id, job =>
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return Results.Text($"EXECUTIONDURATION={text} is not a whole number of seconds", TextType, statusCode: StatusCodes.Status400BadRequest);
            }

            // Never longer than the statement timeout that bounds every query anyway; 0 means no limit of the job's own.
            var hard = jobs.Hard;
            lock (job.Gate)
            {
                if (job.Phase == UwsPhase.Pending)
                {
                    job.ExecutionDuration = seconds <= 0 || seconds > hard.TotalSeconds ? hard : TimeSpan.FromSeconds(seconds);
                }
            }

            return SeeJob(http, job);
        });
    }

    private static async Task<IResult> PostDestructionAsync(HttpContext http, UwsJobStore jobs, string id)
    {
        var text = TapRequest.Get(await ParametersAsync(http.Request), "DESTRUCTION");
        return WithJob(jobs, id, job =>
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                return Results.Text($"DESTRUCTION={text} is not an ISO 8601 time", TextType, statusCode: StatusCodes.Status400BadRequest);
            }

            lock (job.Gate)
            {
                // Sooner is allowed; later than the retention period is not.
                job.Destruction = when < job.Destruction ? when : job.Destruction;
            }

            return SeeJob(http, job);
        });
    }

    private static IResult Result(UwsJob job)
    {
        if (job.Phase != UwsPhase.Completed || !File.Exists(job.ResultPath))
        {
            return Results.Text($"job {job.Id} has no result: it is {UwsDocuments.PhaseName(job.Phase)}", TextType, statusCode: StatusCodes.Status404NotFound);
        }

        return Results.File(job.ResultPath, job.ResultMediaType);
    }

    private static async Task ErrorDocumentAsync(HttpContext http, UwsJobStore jobs, string id)
    {
        if (jobs.Find(id) is not { } job)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsync($"no job {id}", http.RequestAborted);
            return;
        }

        var message = job.Phase is UwsPhase.Error or UwsPhase.Aborted ? job.ErrorMessage ?? "aborted" : $"job {job.Id} has no error: it is {UwsDocuments.PhaseName(job.Phase)}";
        await ErrorAsync(http.Response, job.Phase is UwsPhase.Error or UwsPhase.Aborted ? StatusCodes.Status200OK : StatusCodes.Status404NotFound, message, http.RequestAborted);
    }
}
