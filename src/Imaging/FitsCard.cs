namespace Apdb.Imaging;

/// <summary>
/// One 80-character header card. <see cref="Value"/> is a <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>,
/// <see cref="double"/>, or null for commentary cards (COMMENT, HISTORY, blank keyword) and keywords without a value;
/// a commentary card keeps its text in <see cref="Comment"/>.
/// </summary>
/// <param name="Keyword">Upper-case keyword of at most 8 characters (A-Z, 0-9, '-', '_'), or empty for a blank card.</param>
/// <param name="Value">The typed value, or null.</param>
/// <param name="Comment">The comment after '/', or the text of a commentary card; null when absent.</param>
public sealed record FitsCard(string Keyword, object? Value, string? Comment = null)
{
    /// <summary>True for COMMENT, HISTORY and blank-keyword cards, which may repeat and carry text, not a value.</summary>
    public bool IsCommentary => Keyword is "COMMENT" or "HISTORY" or "";
}
