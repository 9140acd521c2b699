using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

namespace Apdb.Serve.Tap;

/// <summary>
/// BINARY2: each row is a null bitmap (one bit a column, most significant first) then the values big-endian;
/// a variable-length string is a 4-byte length and its bytes. The stream is base64 inside the XML.
/// </summary>
public static partial class VoTableWriter
{
    private static async Task<(long Rows, bool Overflow)> WriteBinary2Async(
        StreamWriter text, IReadOnlyList<ResultColumn> columns, DbDataReader reader, long maxRec, CancellationToken cancellationToken)
    {
        text.Write("<DATA><BINARY2><STREAM encoding=\"base64\">");
        text.Flush();
        long rows = 0;
        var overflow = false;
        var bitmapBytes = (columns.Count + 7) / 8;
        var row = new MemoryStream();
        await using (var base64 = new CryptoStream(text.BaseStream, new ToBase64Transform(), CryptoStreamMode.Write, leaveOpen: true))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (rows == maxRec)
                {
                    overflow = true;
                    break;
                }

                row.SetLength(0);
                var bitmap = new byte[bitmapBytes];
                row.Write(bitmap);
                for (var i = 0; i < columns.Count; i++)
                {
                    var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    if (value is null)
                    {
                        bitmap[i / 8] |= (byte)(0x80 >> (i % 8));
                    }

                    WriteValue(row, columns[i], value);
                }

                var bytes = row.GetBuffer();
                bitmap.CopyTo(bytes, 0);
                base64.Write(bytes, 0, (int)row.Length);
                rows++;
            }

            await base64.FlushFinalBlockAsync(cancellationToken);
        }

        text.Write("</STREAM></BINARY2></DATA>\n");
        return (rows, overflow);
    }

    private static void WriteValue(MemoryStream row, ResultColumn column, object? value)
    {
        Span<byte> buffer = stackalloc byte[8];
        switch (column.DataType)
        {
            case "long":
                BinaryPrimitives.WriteInt64BigEndian(buffer, value is null ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                row.Write(buffer[..8]);
                break;
            case "int":
                BinaryPrimitives.WriteInt32BigEndian(buffer, value is null ? 0 : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
                row.Write(buffer[..4]);
                break;
            case "short":
                BinaryPrimitives.WriteInt16BigEndian(buffer, value is null ? (short)0 : Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture));
                row.Write(buffer[..2]);
                break;
            case "double":
                BinaryPrimitives.WriteDoubleBigEndian(buffer, value is null ? double.NaN : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                row.Write(buffer[..8]);
                break;
            case "float":
                BinaryPrimitives.WriteSingleBigEndian(buffer, value is null ? float.NaN : (float)value);
                row.Write(buffer[..4]);
                break;
            case "boolean":
                row.WriteByte(value is bool b ? (byte)(b ? 'T' : 'F') : (byte)'?');
                break;
            default:
                var bytes = Encoding.UTF8.GetBytes(CellText.Format(value) ?? string.Empty);
                BinaryPrimitives.WriteInt32BigEndian(buffer, bytes.Length);
                row.Write(buffer[..4]);
                row.Write(bytes);
                break;
        }
    }
}
