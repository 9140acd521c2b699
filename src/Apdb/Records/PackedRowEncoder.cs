using System.Buffers.Binary;

namespace Apdb.Records;

/// <summary>
/// Turns binary COPY rows of a wide table, as its generated column map writes them, into binary COPY rows of its packed
/// preload companion (migration 0016): the keys, then the packed form that the server's <c>apdb_pack_*</c> function
/// gives for the same row (presence words, then each present column's binary form in table order, text with its 4-byte
/// length). A bulk load packs on the client with it; the server packs what the store writes.
/// </summary>
public sealed class PackedRowEncoder
{
    private readonly int _columns;
    private readonly int[] _keys;
    private readonly bool[] _text;
    private readonly int _words;

    private PackedRowEncoder(IReadOnlyList<ApdbColumn> columns, ReadOnlySpan<int> keys, IReadOnlyList<string> packedColumns)
    {
        _columns = columns.Count;
        _keys = keys.ToArray();
        _text = [.. columns.Select(c => c.PostgresType is "text" or "varchar" or "char(1)")];
        _words = (_columns + 63) / 64;
        ColumnNames = packedColumns;
    }

    /// <summary>DiaSource rows into <c>DiaSourcePacked</c> rows.</summary>
    public static PackedRowEncoder DiaSource { get; } = new(DiaSourceColumns.Columns, PackedRows.DiaSourceKeyOrdinals, PackedRows.DiaSourcePackedColumns);

    /// <summary>DiaForcedSource rows into <c>DiaForcedSourcePacked</c> rows.</summary>
    public static PackedRowEncoder DiaForcedSource { get; } = new(DiaForcedSourceColumns.Columns, PackedRows.DiaForcedSourceKeyOrdinals, PackedRows.DiaForcedSourcePackedColumns);

    /// <summary>The packed table's columns, in the order the rows written here carry them.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>
    /// Appends to <paramref name="packed"/> one packed row for each wide row in <paramref name="rows"/> (consecutive
    /// binary COPY rows without header or trailer).
    /// </summary>
    /// <exception cref="InvalidDataException">A row does not have the wide table's field count, or is cut short.</exception>
    public void Append(ReadOnlySpan<byte> rows, CopyBuffer packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        Span<int> starts = stackalloc int[_columns];
        Span<int> lengths = stackalloc int[_columns];
        Span<ulong> words = stackalloc ulong[_words];
        var scratch = new byte[4096];
        var position = 0;
        while (position < rows.Length)
        {
            var rowStart = position;
            var fields = BinaryPrimitives.ReadInt16BigEndian(rows[position..]);
            if (fields != _columns)
            {
                throw new InvalidDataException($"a binary COPY row at byte {rowStart} has {fields} fields; the table has {_columns}");
            }

            position += 2;
            words.Clear();
            var valueBytes = 0;
            for (var i = 0; i < _columns; i++)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(rows[position..]);
                starts[i] = position + 4;
                lengths[i] = length;
                position += 4 + Math.Max(length, 0);
                if (position > rows.Length)
                {
                    throw new InvalidDataException($"the binary COPY row at byte {rowStart} is cut short in field {i}");
                }

                if (length >= 0)
                {
                    words[i >> 6] |= 1UL << (i & 63);
                    valueBytes += length + (_text[i] ? 4 : 0);
                }
            }

            var packedBytes = (8 * _words) + valueBytes;
            packed.StartRow((short)(_keys.Length + 1), 2 + (_keys.Length * 12) + 4);
            foreach (var k in _keys)
            {
                if (lengths[k] < 0)
                {
                    packed.Null();
                }
                else
                {
                    packed.Bytes(rows.Slice(starts[k], lengths[k]));
                }
            }

            if (packedBytes > scratch.Length)
            {
                scratch = new byte[Math.Max(packedBytes, 2 * scratch.Length)];
            }

            var value = scratch.AsSpan(0, packedBytes);
            for (var w = 0; w < _words; w++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(value[(8 * w)..], words[w]);
            }

            var at = 8 * _words;
            for (var i = 0; i < _columns; i++)
            {
                if (lengths[i] < 0)
                {
                    continue;
                }

                if (_text[i])
                {
                    BinaryPrimitives.WriteInt32BigEndian(value[at..], lengths[i]);
                    at += 4;
                }

                rows.Slice(starts[i], lengths[i]).CopyTo(value[at..]);
                at += lengths[i];
            }

            packed.Bytes(value);
        }
    }
}
