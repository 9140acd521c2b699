namespace Apdb.Serve.Catalog;

/// <summary>One-line descriptions of the tables (the schema TSV describes columns only).</summary>
internal static class TableDescriptions
{
    public static string For(string table) => table switch
    {
        "DiaObject" => "Every version of every DiaObject: per-band summaries of its DiaSources, valid from validityStartMjdTai until validityEndMjdTai (NULL: current)",
        "DiaObjectLast" => "The current version of each DiaObject, narrow and ordered by pixelId: the table to cone-search",
        "DiaSource" => "Detections on difference images, associated with a DiaObject or an SSObject; partitioned by 30-day month of midpointMjdTai",
        "DiaForcedSource" => "Forced PSF photometry at DiaObject positions on difference and science images",
        "SSObject" => "Solar system objects",
        "SSSource" => "Solar system attributions of DiaSources",
        "DiaObject_To_Object_Match" => "Matches of DiaObjects to Data Release Objects",
        "DetectorVisitProcessingSummary" => "Per detector-visit processing summary",
        "metadata" => "APDB metadata: name/value pairs (schema version, history state)",
        _ => $"Rubin APDB schema v10 table {table}",
    };
}
