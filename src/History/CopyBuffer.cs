using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Apdb.History;

/// <summary>
/// PostgreSQL binary COPY data written straight into a pooled byte array: big-endian fields with 4-byte lengths,
/// -1 for NULL. No per-value calls into Npgsql, no per-row allocation.
/// </summary>
internal sealed class CopyBuffer : IDisposable
{
    /// <summary>The binary COPY signature, flags and header extension length.</summary>
    public static ReadOnlySpan<byte> Header => HeaderBytes;

    /// <summary>The end-of-data marker: a field count of -1.</summary>
    public static ReadOnlySpan<byte> Trailer => [0xFF, 0xFF];

    private static readonly byte[] HeaderBytes = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private byte[] _buffer;
    private int _length;

    public CopyBuffer(int capacity = 1 << 20)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    public int Length => _length;

    public int Rows { get; private set; }

    /// <summary>Hands the bytes over; the receiver returns the array to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public (byte[] Buffer, int Length) Detach()
    {
        var result = (_buffer, _length);
        _buffer = [];
        _length = 0;
        return result;
    }

    /// <summary>Starts a row of <paramref name="fields"/> fields; reserves room for a row of up to <paramref name="maxBytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StartRow(short fields, int maxBytes)
    {
        if (_length + maxBytes > _buffer.Length)
        {
            Grow(maxBytes);
        }

        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), fields);
        _length += 2;
        Rows++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int64(long value)
    {
        var span = _buffer.AsSpan(_length, 12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        _length += 12;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int32(int value)
    {
        var span = _buffer.AsSpan(_length, 8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
        _length += 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int16(short value)
    {
        var span = _buffer.AsSpan(_length, 6);
        BinaryPrimitives.WriteInt32BigEndian(span, 2);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], value);
        _length += 6;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Float8(double value)
    {
        var span = _buffer.AsSpan(_length, 12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteDoubleBigEndian(span[4..], value);
        _length += 12;
    }

    /// <summary>A double precision value, NULL when NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Float8OrNull(double value)
    {
        if (double.IsNaN(value))
        {
            Null();
        }
        else
        {
            Float8(value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Float4(float value)
    {
        var span = _buffer.AsSpan(_length, 8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteSingleBigEndian(span[4..], value);
        _length += 8;
    }

    /// <summary>A real value, NULL when NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Float4OrNull(float value)
    {
        if (float.IsNaN(value))
        {
            Null();
        }
        else
        {
            Float4(value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bool(bool value)
    {
        var span = _buffer.AsSpan(_length, 5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        _length += 5;
    }

    /// <summary>A one-character ASCII text (char(1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Char(char value)
    {
        var span = _buffer.AsSpan(_length, 5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = (byte)value;
        _length += 5;
    }

    /// <summary>UTF-8 text given as its bytes.</summary>
    public void Text(ReadOnlySpan<byte> utf8)
    {
        var span = _buffer.AsSpan(_length, 4 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, utf8.Length);
        utf8.CopyTo(span[4..]);
        _length += 4 + utf8.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length, 4), -1);
        _length += 4;
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

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
}
