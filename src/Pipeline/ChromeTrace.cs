using System.Globalization;
using System.Text.Json;

namespace Apdb.Pipeline;

/// <summary>
/// Writes a run's stages as Chrome trace-event JSON (opens in Perfetto, chrome://tracing and speedscope): one
/// complete ("X") event per stage, a parent event per detector-visit, one thread per worker and a second thread per
/// worker for the APDB preload (which runs beside the front end, so it cannot nest in the worker's own lane).
/// </summary>
public static class ChromeTrace
{
    private const int PreloadLaneOffset = 1000;

    /// <summary>Writes the trace to a stream.</summary>
    public static void Write(Stream stream, IReadOnlyList<TracedSpan> spans, int workers)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(spans);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartArray("traceEvents");
        Metadata(json, "process_name", 0, "apdb run");
        for (var w = 0; w < workers; w++)
        {
            Metadata(json, "thread_name", w, string.Create(CultureInfo.InvariantCulture, $"worker {w}"));
            Metadata(json, "thread_name", PreloadLaneOffset + w, string.Create(CultureInfo.InvariantCulture, $"worker {w} APDB preload"));
        }

        foreach (var group in spans.GroupBy(s => (s.Worker, s.Visit, s.Detector)))
        {
            var lane = group.Where(s => s.Span.Stage != "preload").ToList();
            if (lane.Count > 0)
            {
                var begin = lane.Min(s => s.Span.StartSeconds);
                var end = lane.Max(s => s.Span.StartSeconds + s.Span.Seconds);
                Complete(json, string.Create(CultureInfo.InvariantCulture, $"visit {group.Key.Visit} det {group.Key.Detector}"), "detectorVisit",
                    group.Key.Worker, begin, end - begin, group.Key.Visit, group.Key.Detector);
            }

            foreach (var s in group.OrderBy(s => s.Span.StartSeconds))
            {
                var tid = s.Span.Stage == "preload" ? PreloadLaneOffset + s.Worker : s.Worker;
                Complete(json, s.Span.Stage, "stage", tid, s.Span.StartSeconds, s.Span.Seconds, s.Visit, s.Detector);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Metadata(Utf8JsonWriter json, string kind, int tid, string name)
    {
        json.WriteStartObject();
        json.WriteString("name", kind);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", 1);
        json.WriteNumber("tid", tid);
        json.WriteStartObject("args");
        json.WriteString("name", name);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Complete(Utf8JsonWriter json, string name, string category, int tid, double startSeconds, double seconds, long visit, int detector)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("cat", category);
        json.WriteString("ph", "X");
        json.WriteNumber("ts", Math.Round(startSeconds * 1e6, 1));
        json.WriteNumber("dur", Math.Round(Math.Max(seconds, 0) * 1e6, 1));
        json.WriteNumber("pid", 1);
        json.WriteNumber("tid", tid);
        json.WriteStartObject("args");
        json.WriteNumber("visit", visit);
        json.WriteNumber("detector", detector);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
