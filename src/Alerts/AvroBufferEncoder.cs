using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Apdb.Alerts;

/// <summary>
/// Avro binary encoding into one growing buffer, byte for byte what Apache.Avro's <see cref="Avro.IO.BinaryEncoder"/>
/// writes (zig-zag varints, little-endian IEEE floats, length-prefixed bytes and UTF-8 strings, arrays as one counted
/// block and a zero; a test compares the two). <see cref="Avro.IO.BinaryEncoder"/> makes a <see cref="Stream"/> call per
/// value, and packets of a year of history hold tens of thousands of values; encoding here and handing the container
/// writer the packet whole is what keeps packaging a small part of a detector-visit (benchmarks/RESULTS.md).
/// </summary>
internal sealed class AvroBufferEncoder : Avro.IO.Encoder
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public AvroBufferEncoder(int initialCapacity = 1 << 16)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Clear() => _buffer.ResetWrittenCount();

    public void WriteNull()
    {
    }

    public void WriteBoolean(bool b)
    {
        _buffer.GetSpan(1)[0] = b ? (byte)1 : (byte)0;
        _buffer.Advance(1);
    }

    public void WriteInt(int value) => WriteLong(value);

    public void WriteLong(long value)
    {
        var n = (ulong)((value << 1) ^ (value >> 63));
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (n > 0x7F)
        {
            span[i++] = (byte)((n & 0x7F) | 0x80);
            n >>= 7;
        }

        span[i++] = (byte)n;
        _buffer.Advance(i);
    }

    public void WriteFloat(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void WriteBytes(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteBytes(value, 0, value.Length);
    }

    public void WriteBytes(byte[] value, int offset, int length)
    {
        WriteLong(length);
        WriteFixed(value, offset, length);
    }

    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public void WriteEnum(int value) => WriteLong(value);

    public void WriteArrayStart()
    {
    }

    public void WriteArrayEnd() => WriteLong(0);

    public void WriteMapStart()
    {
    }

    public void WriteMapEnd() => WriteLong(0);

    public void WriteUnionIndex(int value) => WriteLong(value);

    public void WriteFixed(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        WriteFixed(data, 0, data.Length);
    }

    public void WriteFixed(byte[] data, int start, int len)
    {
        ArgumentNullException.ThrowIfNull(data);
        _buffer.Write(data.AsSpan(start, len));
    }

    public void SetItemCount(long value)
    {
        if (value > 0)
        {
            WriteLong(value);
        }
    }

    public void StartItem()
    {
    }

    public void Flush()
    {
    }
}
