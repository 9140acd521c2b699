using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Apdb.Tests;

public sealed class CopyBufferTests
{
    [Fact]
    public void A_row_with_fewer_fields_than_it_declared_is_refused_when_the_next_row_starts()
    {
        using var buffer = new CopyBuffer(4096);
        buffer.StartRow(3, 64);
        buffer.Int64(1);
        buffer.Int32(2);
        var error = Assert.Throws<InvalidOperationException>(() => buffer.StartRow(3, 64));
        Assert.Contains("declared 3 fields but 2 were written", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_last_row_is_refused_when_the_buffer_is_handed_over()
    {
        using var buffer = new CopyBuffer(4096);
        buffer.StartRow(2, 64);
        buffer.Text("r");
        Assert.Throws<InvalidOperationException>(() => buffer.Detach());
    }

    [Fact]
    public void A_row_with_more_fields_than_it_declared_is_refused_when_the_buffer_is_handed_over()
    {
        // A Debug build of the library stops at the extra field itself (Debug.Assert); the release check is at the row's end.
        if (typeof(CopyBuffer).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is [DebuggableAttribute { IsJITOptimizerDisabled: true }])
        {
            return;
        }

        using var buffer = new CopyBuffer(4096);
        buffer.StartRow(1, 64);
        buffer.Bool(true);
        buffer.StartRow(2, 64);
        buffer.Int16(1);
        buffer.Null();
        buffer.Float8(3);
        Assert.Throws<InvalidOperationException>(() => buffer.Detach());
    }

    [Fact]
    public void Complete_rows_hand_over_the_binary_COPY_encoding_of_their_fields()
    {
        using var buffer = new CopyBuffer(16);
        var text = new string('é', 3000);
        buffer.StartRow(3, 2 + 8 + 4 + 4);
        buffer.Float4(1.5f);
        buffer.Text(text);
        buffer.Null();
        var (bytes, length) = buffer.Detach();
        try
        {
            var span = bytes.AsSpan(0, length);
            var utf8 = Encoding.UTF8.GetByteCount(text);
            Assert.Equal(2 + 8 + 4 + utf8 + 4, length);
            Assert.Equal(3, BinaryPrimitives.ReadInt16BigEndian(span));
            Assert.Equal(4, BinaryPrimitives.ReadInt32BigEndian(span[2..]));
            Assert.Equal(1.5f, BinaryPrimitives.ReadSingleBigEndian(span[6..]));
            Assert.Equal(utf8, BinaryPrimitives.ReadInt32BigEndian(span[10..]));
            Assert.Equal(text, Encoding.UTF8.GetString(span.Slice(14, utf8)));
            Assert.Equal(-1, BinaryPrimitives.ReadInt32BigEndian(span[(14 + utf8)..]));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
