using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Apdb.Records;

/// <summary>
/// Reads one packed row (migration 0016's <c>apdb_pack_*</c> functions): presence words, then each present column in
/// table order in PostgreSQL's binary send form. The generated <see cref="PackedRows"/> decoders call it column by
/// column; a row that ends early, runs long or lacks a not-null column is refused with <see cref="InvalidDataException"/>.
/// </summary>
public ref struct PackedRowReader
{
    // One-character ASCII strings (the band) are shared instead of allocated a row.
    private static readonly string[] OneCharacter = [.. Enumerable.Range(0, 128).Select(c => ((char)c).ToString())];

    [ThreadStatic]
    private static string? _lastText;

    private readonly ReadOnlySpan<byte> _row;
    private readonly ulong _word0;
    private readonly ulong _word1;
    private int _position;

    /// <summary>Starts reading <paramref name="row"/>, whose first <paramref name="words"/> 8-byte words are presence bits (1 or 2).</summary>
    public PackedRowReader(ReadOnlySpan<byte> row, int words)
    {
        if (words is < 1 or > 2 || row.Length < 8 * words)
        {
            throw new InvalidDataException($"packed row of {row.Length} bytes is shorter than its {words} presence word(s)");
        }

        _row = row;
        _word0 = BinaryPrimitives.ReadUInt64BigEndian(row);
        _word1 = words > 1 ? BinaryPrimitives.ReadUInt64BigEndian(row[8..]) : 0;
        _position = 8 * words;
    }

    /// <summary>Presence word <paramref name="index"/> (0 or 1): bit k says column 64 x index + k is not null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Word(int index) => index == 0 ? _word0 : _word1;

    /// <summary>Whether column <paramref name="column"/> (0-based, table order) is not null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Present(int column) => (((column < 64 ? _word0 : _word1) >> (column & 63)) & 1) != 0;

    /// <summary>True; throws when the not-null column <paramref name="column"/> is absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Required(int column, string name) =>
        Present(column) ? true : throw new InvalidDataException($"packed row lacks not-null column {name}");

    /// <summary>The next bigint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>The next integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>The next smallint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    /// <summary>The next double precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Float8() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>The next real.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Float4() => BinaryPrimitives.ReadSingleBigEndian(Take(4));

    /// <summary>The next boolean.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Bool() => Take(1)[0] != 0;

    /// <summary>The next text value: a 4-byte length, then UTF-8 bytes.</summary>
    public string Text()
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(Take(4));
        if (length < 0)
        {
            throw new InvalidDataException($"packed row has a text value of negative length {length}");
        }

        var bytes = Take(length);
        if (length == 1 && bytes[0] < 128)
        {
            return OneCharacter[bytes[0]];
        }

        // Rows of one read repeat their text (a version string): the thread's last ASCII string is reused when the
        // bytes are the same, instead of a new string a row.
        if (_lastText is { } last && last.Length == length && Ascii.Equals(bytes, last))
        {
            return last;
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (text.Length == length)
        {
            _lastText = text;
        }

        return text;
    }

    /// <summary>Checks that the whole row was read.</summary>
    public readonly void End(string table)
    {
        if (_position != _row.Length)
        {
            throw new InvalidDataException($"packed {table} row has {_row.Length} bytes; its columns take {_position}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int bytes)
    {
        if ((uint)bytes > (uint)(_row.Length - _position))
        {
            throw new InvalidDataException($"packed row ends at byte {_row.Length}; a column needs bytes {_position}-{_position + bytes - 1}");
        }

        var span = _row.Slice(_position, bytes);
        _position += bytes;
        return span;
    }
}
