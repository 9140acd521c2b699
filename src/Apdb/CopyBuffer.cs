using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;

namespace Apdb;

/// <summary>
/// PostgreSQL binary COPY data written straight into a pooled byte array: big-endian fields with 4-byte lengths,
/// -1 for NULL. No per-value calls into Npgsql, no per-row allocation.
/// </summary>
/// <remarks>
/// Each row declares its field count in <see cref="StartRow"/>; the server rejects a row whose fields disagree with
/// it only after the whole stream is sent, so the buffer checks it here: a field beyond the count asserts in Debug
/// builds, and the next <see cref="StartRow"/> and <see cref="Detach"/> throw when the previous row was short or long.
/// </remarks>
public sealed class CopyBuffer : IDisposable
{
    /// <summary>The binary COPY signature, flags and header extension length.</summary>
    public static ReadOnlySpan<byte> Header => HeaderBytes;

    /// <summary>The end-of-data marker: a field count of -1.</summary>
    public static ReadOnlySpan<byte> Trailer => [0xFF, 0xFF];

    private static readonly byte[] TrailerBytes = [0xFF, 0xFF];

    private static readonly byte[] HeaderBytes = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private byte[] _buffer;
    private int _length;

    // The end of the room StartRow reserved for the current row; text payloads extend it.
    private int _reservedEnd;

    // The field count the current row declared, and the fields written to it so far.
    private short _rowFields;
    private int _fieldsWritten;

    /// <summary>Creates a buffer of at least <paramref name="capacity"/> bytes from <see cref="ArrayPool{T}.Shared"/>.</summary>
    public CopyBuffer(int capacity = 1 << 20)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    /// <summary>The bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The rows started so far.</summary>
    public int Rows { get; private set; }

    /// <summary>The bytes written so far (valid until the next write).</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>Hands the bytes over; the receiver returns the array to <see cref="ArrayPool{T}.Shared"/>.</summary>
    /// <exception cref="InvalidOperationException">The last row has fewer or more fields than it declared.</exception>
    public (byte[] Buffer, int Length) Detach()
    {
        CheckRowComplete();
        var result = (_buffer, _length);
        _buffer = [];
        _length = 0;
        _reservedEnd = 0;
        return result;
    }

    /// <summary>Starts a row of <paramref name="fields"/> fields; reserves room for a row of up to <paramref name="maxBytes"/>.</summary>
    /// <exception cref="InvalidOperationException">The previous row has fewer or more fields than it declared.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StartRow(short fields, int maxBytes)
    {
        CheckRowComplete();
        if (_length + maxBytes > _buffer.Length)
        {
            Grow(maxBytes);
        }

        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), fields);
        _reservedEnd = _length + maxBytes;
        _length += 2;
        _rowFields = fields;
        _fieldsWritten = 0;
        Rows++;
    }

    /// <summary>Throws when the current row does not have the field count it declared.</summary>
    /// <exception cref="InvalidOperationException">It does not.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CheckRowComplete()
    {
        if (_fieldsWritten != _rowFields)
        {
            ThrowFieldCount();
        }
    }

    /// <summary>A bigint field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int64(long value) => BinaryPrimitives.WriteInt64BigEndian(Field(8), value);

    /// <summary>An integer field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int32(int value) => BinaryPrimitives.WriteInt32BigEndian(Field(4), value);

    /// <summary>A smallint field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int16(short value) => BinaryPrimitives.WriteInt16BigEndian(Field(2), value);

    /// <summary>A double precision field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Float8(double value) => BinaryPrimitives.WriteDoubleBigEndian(Field(8), value);

    /// <summary>A real field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Float4(float value) => BinaryPrimitives.WriteSingleBigEndian(Field(4), value);

    /// <summary>A boolean field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bool(bool value) => Field(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>A text field (text, varchar, char(n)) as UTF-8; its payload extends the row's reserved room.</summary>
    public void Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_reservedEnd + most > _buffer.Length)
        {
            Grow(_reservedEnd + most - _length);
        }

        var bytes = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 4));
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length, 4), bytes);
        _length += 4 + bytes;
        _reservedEnd += bytes;
        Counted();
    }

    /// <summary>A field of raw bytes: a bytea, or a value already in its binary form; its payload extends the row's reserved room.</summary>
    public void Bytes(ReadOnlySpan<byte> payload)
    {
        if (_reservedEnd + payload.Length > _buffer.Length)
        {
            Grow(_reservedEnd + payload.Length - _length);
        }

        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length, 4), payload.Length);
        payload.CopyTo(_buffer.AsSpan(_length + 4));
        _length += 4 + payload.Length;
        _reservedEnd += payload.Length;
        Counted();
    }

    /// <summary>A NULL field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length, 4), -1);
        _length += 4;
        Counted();
    }

    /// <summary>Returns the array to the pool unless it was handed over.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>
    /// Writes the length word of a fixed-width field of <paramref name="size"/> bytes, counts the field, and returns the
    /// <paramref name="size"/> bytes its value goes in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Field(int size)
    {
        var span = _buffer.AsSpan(_length, 4 + size);
        BinaryPrimitives.WriteInt32BigEndian(span, size);
        _length += 4 + size;
        Counted();
        return span[4..];
    }

    /// <summary>One more field of the current row: asserts it is within the declared count and the reserved room.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Counted()
    {
        Debug.Assert(_fieldsWritten < _rowFields, "a COPY row got more fields than StartRow declared");
        Debug.Assert(_length <= _reservedEnd, "a COPY row outgrew the room StartRow reserved");
        _fieldsWritten++;
    }

    private void ThrowFieldCount() =>
        throw new InvalidOperationException($"binary COPY row {Rows} declared {_rowFields} fields but {_fieldsWritten} were written");

    private void Grow(int need)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + need));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }

    /// <summary>
    /// Encodes the rows whole with <paramref name="writeRow"/> and sends them as one binary COPY
    /// (<paramref name="copySql"/> is the <c>COPY ... FROM STDIN (FORMAT BINARY)</c> statement); the stores stage with it.
    /// </summary>
    public static async Task CopyRowsAsync<T>(
        NpgsqlConnection connection, string copySql, IReadOnlyList<T> rows, Action<CopyBuffer, T> writeRow, CancellationToken cancellationToken)
    {
        var (bytes, length) = Encode(rows, writeRow);
        try
        {
            await CopyBytesAsync(connection, copySql, bytes.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The rows as binary COPY rows in an array from <see cref="ArrayPool{T}.Shared"/>, which the caller returns.</summary>
    public static (byte[] Bytes, int Length) Encode<T>(IReadOnlyList<T> rows, Action<CopyBuffer, T> writeRow)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(writeRow);
        using var buffer = new CopyBuffer(Math.Max(4096, rows.Count * 512));
        foreach (var row in rows)
        {
            writeRow(buffer, row);
        }

        return buffer.Detach();
    }

    /// <summary>Sends binary COPY rows (without header and trailer) through one <c>COPY ... FROM STDIN (FORMAT BINARY)</c>.</summary>
    public static async Task CopyBytesAsync(NpgsqlConnection connection, string copySql, ReadOnlyMemory<byte> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            await using var copy = await connection.BeginRawBinaryCopyAsync(copySql, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(HeaderBytes, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(TrailerBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (ex.InnerException is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // Npgsql reports a cancelled write into the COPY stream as a stream failure; to the caller it is a cancellation.
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
    }
}
