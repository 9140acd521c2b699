using System.Globalization;
using System.Text;
using Apdb.Sky;

namespace Apdb.Association;

/// <summary>Writes association results as CSV <c>sourceId,objectId,distArcsec</c>.</summary>
public static class MatchFile
{
    /// <summary>The header line.</summary>
    public const string Header = "sourceId,objectId,distArcsec";

    /// <summary>
    /// Writes one line per source: <c>objectId</c> and <c>distArcsec</c> are empty when unmatched; distances use
    /// round-trip formatting. The file appears complete or not at all (written next to it, then moved).
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="matches">The results, in the order to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    public static async Task WriteCsvAsync(string path, IReadOnlyList<MatchResult> matches, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(matches);
        await AtomicFile.WriteTextAsync(path, async (writer, ct) =>
        {
            await writer.WriteAsync(Header.AsMemory(), ct).ConfigureAwait(false);
            await writer.WriteAsync('\n').ConfigureAwait(false);
            var line = new StringBuilder(64);
            for (var i = 0; i < matches.Count; i++)
            {
                line.Clear();
                AppendLine(line, matches[i]);
                await writer.WriteAsync(line, ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Formats one result as a CSV line with a trailing newline.</summary>
    /// <param name="match">The result.</param>
    /// <returns>The line.</returns>
    public static string FormatLine(MatchResult match)
    {
        var line = new StringBuilder(64);
        AppendLine(line, match);
        return line.ToString();
    }

    private static void AppendLine(StringBuilder line, MatchResult m)
    {
        line.Append(m.SourceId.ToString(CultureInfo.InvariantCulture)).Append(',');
        if (m.ObjectId is { } objectId)
        {
            line.Append(objectId.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(m.DistArcsec.ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            line.Append(',');
        }

        line.Append('\n');
    }
}
