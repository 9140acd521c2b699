using System.Globalization;
using System.Text;

namespace Apdb.Serve.Tap;

/// <summary>UWS 1.1 XML: a job and the job list.</summary>
public static class UwsDocuments
{
    private const string Namespaces = "xmlns:uws=\"http://www.ivoa.net/xml/UWS/v1.0\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

    /// <summary>The phase's UWS name.</summary>
    public static string PhaseName(UwsPhase phase) => phase.ToString().ToUpperInvariant();

    /// <summary>The time as UWS writes it (ISO 8601, UTC).</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The job document; <paramref name="jobUrl"/> is the job's URL.</summary>
    public static string Job(UwsJob job, string jobUrl)
    {
        ArgumentNullException.ThrowIfNull(job);
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        lock (job.Gate)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<uws:job {Namespaces} version=\"1.1\">\n");
            xml.Append(CultureInfo.InvariantCulture, $"<uws:jobId>{job.Id}</uws:jobId>\n<uws:ownerId xsi:nil=\"true\"/>\n<uws:phase>{PhaseName(job.Phase)}</uws:phase>\n");
            xml.Append("<uws:quote xsi:nil=\"true\"/>\n");
            xml.Append(CultureInfo.InvariantCulture, $"<uws:creationTime>{Time(job.CreationTime)}</uws:creationTime>\n");
            xml.Append(job.StartTime is { } start ? $"<uws:startTime>{Time(start)}</uws:startTime>\n" : "<uws:startTime xsi:nil=\"true\"/>\n");
            xml.Append(job.EndTime is { } end ? $"<uws:endTime>{Time(end)}</uws:endTime>\n" : "<uws:endTime xsi:nil=\"true\"/>\n");
            xml.Append(CultureInfo.InvariantCulture, $"<uws:executionDuration>{(long)job.ExecutionDuration.TotalSeconds}</uws:executionDuration>\n");
            xml.Append(CultureInfo.InvariantCulture, $"<uws:destruction>{Time(job.Destruction)}</uws:destruction>\n");
            xml.Append(Parameters(job));
            xml.Append("<uws:results>");
            if (job.Phase == UwsPhase.Completed)
            {
                xml.Append(CultureInfo.InvariantCulture, $"<uws:result id=\"result\" xlink:type=\"simple\" xlink:href=\"{XmlText.Escape(jobUrl)}/results/result\" mime-type=\"{XmlText.Escape(job.ResultMediaType)}\"/>");
            }

            xml.Append("</uws:results>\n");
            if (job.Phase == UwsPhase.Error)
            {
                xml.Append(CultureInfo.InvariantCulture, $"<uws:errorSummary type=\"fatal\" hasDetail=\"true\"><uws:message>{XmlText.Escape(job.ErrorMessage)}</uws:message></uws:errorSummary>\n");
            }

            xml.Append("</uws:job>\n");
        }

        return xml.ToString();
    }

    /// <summary>The parameters element alone (GET .../parameters).</summary>
    public static string Parameters(UwsJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var xml = new StringBuilder("<uws:parameters>");
        foreach (var (name, value) in job.Parameters)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<uws:parameter id=\"{XmlText.Escape(name)}\">{XmlText.Escape(value)}</uws:parameter>");
        }

        return xml.Append("</uws:parameters>\n").ToString();
    }

    /// <summary>The parameters document (with the XML declaration and namespaces).</summary>
    public static string ParametersDocument(UwsJob job) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{Parameters(job).Replace("<uws:parameters>", $"<uws:parameters {Namespaces}>", StringComparison.Ordinal)}";

    /// <summary>The results document (GET .../results).</summary>
    public static string Results(UwsJob job, string jobUrl)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = job.Phase == UwsPhase.Completed
            ? $"<uws:result id=\"result\" xlink:type=\"simple\" xlink:href=\"{XmlText.Escape(jobUrl)}/results/result\"/>"
            : string.Empty;
        return $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<uws:results {Namespaces}>{result}</uws:results>\n";
    }

    /// <summary>The job list (GET /tap/async).</summary>
    public static string JobList(IEnumerable<UwsJob> jobs, string asyncUrl)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").Append(CultureInfo.InvariantCulture, $"<uws:jobs {Namespaces} version=\"1.1\">\n");
        foreach (var job in jobs)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<uws:jobref id=\"{job.Id}\" xlink:type=\"simple\" xlink:href=\"{XmlText.Escape(asyncUrl)}/{job.Id}\"><uws:phase>{PhaseName(job.Phase)}</uws:phase>");
            xml.Append(CultureInfo.InvariantCulture, $"<uws:creationTime>{Time(job.CreationTime)}</uws:creationTime></uws:jobref>\n");
        }

        return xml.Append("</uws:jobs>\n").ToString();
    }
}
