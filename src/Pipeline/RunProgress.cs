namespace Apdb.Pipeline;

/// <summary>Progress of a run: detector-visits finished (processed, skipped or failed) of the total, and an optional message.</summary>
/// <param name="Done">Detector-visits finished.</param>
/// <param name="Total">Detector-visits planned.</param>
/// <param name="Message">A line for the user (a skip, a failure), or null.</param>
public readonly record struct RunProgress(int Done, int Total, string? Message);
