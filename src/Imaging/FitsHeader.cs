using System.Globalization;

namespace Apdb.Imaging;

/// <summary>
/// An ordered list of header cards with typed look-ups. Keywords are case-insensitive on look-up and stored upper case.
/// The structural keywords (SIMPLE, XTENSION, BITPIX, NAXIS*, PCOUNT, GCOUNT, EXTEND, END) are managed by the reader
/// and writer; a header built by hand only needs the rest.
/// </summary>
public sealed class FitsHeader
{
    private readonly List<FitsCard> _cards = [];

    /// <summary>Creates an empty header.</summary>
    public FitsHeader()
    {
    }

    /// <summary>Creates a header holding copies of the given cards, in order.</summary>
    public FitsHeader(IEnumerable<FitsCard> cards)
    {
        _cards.AddRange(cards);
    }

    /// <summary>The cards in file order.</summary>
    public IReadOnlyList<FitsCard> Cards => _cards;

    /// <summary>The number of cards.</summary>
    public int Count => _cards.Count;

    /// <summary>True when a card with this keyword exists.</summary>
    public bool Contains(string keyword) => IndexOf(keyword) >= 0;

    /// <summary>The first card with this keyword, or null.</summary>
    public FitsCard? Find(string keyword)
    {
        var i = IndexOf(keyword);
        return i < 0 ? null : _cards[i];
    }

    /// <summary>Sets a keyword's value (replacing the first card with that keyword, else appending).</summary>
    public void Set(string keyword, object? value, string? comment = null)
    {
        var key = FitsCardFormat.CheckKeyword(keyword);
        value = value switch
        {
            int n => (long)n,
            short s => (long)s,
            byte b => (long)b,
            float f => (double)f,
            _ => value,
        };
        if (value is not (null or string or bool or long or double))
        {
            throw new ArgumentException($"FITS keyword {key}: values must be string, bool, integer or floating point, not {value.GetType().Name}", nameof(value));
        }

        var card = new FitsCard(key, value, comment);
        var i = IndexOf(key);
        if (i >= 0 && !card.IsCommentary)
        {
            _cards[i] = card with { Comment = comment ?? _cards[i].Comment };
        }
        else
        {
            _cards.Add(card);
        }
    }

    /// <summary>Appends a card as is (commentary cards may repeat).</summary>
    public void Add(FitsCard card) => _cards.Add(card with { Keyword = FitsCardFormat.CheckKeyword(card.Keyword) });

    /// <summary>Removes every card with this keyword; returns how many were removed.</summary>
    public int Remove(string keyword)
    {
        var key = keyword.ToUpperInvariant();
        return _cards.RemoveAll(c => c.Keyword == key);
    }

    /// <summary>The value as a double (integers convert), or null when absent or not numeric.</summary>
    public double? GetDouble(string keyword) => Find(keyword)?.Value switch
    {
        double d => d,
        long l => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>The value as a long, or null when absent or not an integer.</summary>
    public long? GetLong(string keyword) => Find(keyword)?.Value switch
    {
        long l => l,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        _ => null,
    };

    /// <summary>The value as a string (trailing blanks removed, as the FITS standard says they are not significant), or null.</summary>
    public string? GetString(string keyword) => Find(keyword)?.Value switch
    {
        string s => s.TrimEnd(),
        null => null,
        var v => Convert.ToString(v, CultureInfo.InvariantCulture),
    };

    /// <summary>The value as a bool, or null when absent or not logical.</summary>
    public bool? GetBool(string keyword) => Find(keyword)?.Value as bool?;

    /// <summary>A copy of this header.</summary>
    public FitsHeader Clone() => new(_cards);

    private int IndexOf(string keyword)
    {
        for (var i = 0; i < _cards.Count; i++)
        {
            if (string.Equals(_cards[i].Keyword, keyword, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
