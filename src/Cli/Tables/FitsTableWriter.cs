using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Apdb.Cli.Tables;

/// <summary>
/// A FITS file with an empty primary HDU and one BINTABLE extension: TTYPE, TFORM and TUNIT per column (K, J, I, D, E,
/// L or nA), TNULL for a nullable integer column (a missing double is NaN, FITS's null for floats), descriptions as the TTYPE cards' comments. Big-endian, 2880-byte blocks.
/// </summary>
internal sealed class FitsTableWriter : ITableWriter
{
    private const int Block = 2880;

    public void Write(Stream stream, OutputTable table)
    {
        var widths = table.Columns.Select(Width).ToArray();
        var rowBytes = widths.Sum();
        WriteHeader(stream, [Card("SIMPLE", true), Card("BITPIX", 8), Card("NAXIS", 0), Card("EXTEND", true)]);
        var cards = new List<string>
        {
            Card("XTENSION", "BINTABLE", "binary table extension"), Card("BITPIX", 8), Card("NAXIS", 2),
            Card("NAXIS1", rowBytes, "bytes per row"), Card("NAXIS2", table.RowCount, "rows"), Card("PCOUNT", 0), Card("GCOUNT", 1),
            Card("TFIELDS", table.Columns.Count),
        };
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var c = table.Columns[i];
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            cards.Add(Card("TTYPE" + n, c.Name, c.Description));
            cards.Add(Card("TFORM" + n, Form(c, widths[i])));
            if (!string.IsNullOrEmpty(c.Unit))
            {
                cards.Add(Card("TUNIT" + n, c.Unit));
            }

            if (c.Values is long?[])
            {
                cards.Add(Card("TNULL" + n, long.MinValue));
            }
        }

        cards.Add(Card("EXTNAME", "TABLE"));
        WriteHeader(stream, cards);
        var row = new byte[rowBytes];
        for (var r = 0; r < table.RowCount; r++)
        {
            var offset = 0;
            for (var i = 0; i < table.Columns.Count; i++)
            {
                Encode(table.Columns[i], r, row.AsSpan(offset, widths[i]));
                offset += widths[i];
            }

            stream.Write(row);
        }

        var written = (long)rowBytes * table.RowCount;
        stream.Write(new byte[(Block - (written % Block)) % Block]);
    }

    private static int Width(TableColumn c) => c.Values switch
    {
        long[] or long?[] or double[] or double?[] => 8,
        int[] or float[] => 4,
        short[] => 2,
        bool[] => 1,
        string[] s => Math.Max(1, s.Select(v => v is null ? 0 : Encoding.UTF8.GetByteCount(v)).DefaultIfEmpty(0).Max()),
        var other => throw new NotSupportedException($"column {c.Name}: {other.GetType().Name} values"),
    };

    private static string Form(TableColumn c, int width) => c.Values switch
    {
        long[] or long?[] => "K",
        double[] or double?[] => "D",
        int[] => "J",
        float[] => "E",
        short[] => "I",
        bool[] => "L",
        _ => width.ToString(CultureInfo.InvariantCulture) + "A",
    };

    private static void Encode(TableColumn c, int row, Span<byte> cell)
    {
        switch (c.Values)
        {
            case long[] v: BinaryPrimitives.WriteInt64BigEndian(cell, v[row]); break;
            case long?[] v: BinaryPrimitives.WriteInt64BigEndian(cell, v[row] ?? long.MinValue); break;
            case double[] v: BinaryPrimitives.WriteDoubleBigEndian(cell, v[row]); break;
            case double?[] v: BinaryPrimitives.WriteDoubleBigEndian(cell, v[row] ?? double.NaN); break;
            case int[] v: BinaryPrimitives.WriteInt32BigEndian(cell, v[row]); break;
            case float[] v: BinaryPrimitives.WriteSingleBigEndian(cell, v[row]); break;
            case short[] v: BinaryPrimitives.WriteInt16BigEndian(cell, v[row]); break;
            case bool[] v: cell[0] = (byte)(v[row] ? 'T' : 'F'); break;
            case string[] v:
                cell.Fill((byte)' ');
                Encoding.UTF8.GetBytes(v[row] ?? string.Empty, cell);
                break;
        }
    }

    private static void WriteHeader(Stream stream, List<string> cards)
    {
        cards.Add("END");
        var text = new StringBuilder();
        foreach (var card in cards)
        {
            text.Append(card.PadRight(80)[..80]);
        }

        text.Append(' ', (Block - (text.Length % Block)) % Block);
        stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static string Card(string keyword, object value, string? comment = null)
    {
        var text = value switch
        {
            bool b => (b ? "T" : "F").PadLeft(20),
            string s => ("'" + s.Replace("'", "''", StringComparison.Ordinal).PadRight(8) + "'").PadRight(20),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture).PadLeft(20),
            _ => throw new NotSupportedException(value.GetType().Name),
        };
        var card = keyword.PadRight(8) + "= " + text;
        return string.IsNullOrEmpty(comment) ? card : card + " / " + Ascii(comment);
    }

    /// <summary>A FITS header holds printable ASCII only.</summary>
    private static string Ascii(string text) => new([.. text.Select(ch => ch is >= ' ' and <= '~' ? ch : '?')]);
}
