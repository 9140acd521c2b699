using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Apdb.Sky;

namespace Apdb.Imaging;

public static partial class FitsFile
{
    /// <summary>
    /// Writes HDUs to a file: the first is the primary HDU, the rest IMAGE extensions. The file is written
    /// atomically (<see cref="AtomicFile"/>), so a failure never leaves a partial file.
    /// </summary>
    public static void Write(string path, IReadOnlyList<FitsHdu> hdus)
    {
        ArgumentNullException.ThrowIfNull(hdus);
        if (hdus.Count == 0)
        {
            throw new ArgumentException("a FITS file needs at least the primary HDU", nameof(hdus));
        }

        try
        {
            AtomicFile.Write(path, stream => Write(stream, hdus));
        }
        catch (IOException ex)
        {
            throw new FitsException($"{path}: cannot be written ({ex.Message})", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new FitsException($"{path}: cannot be written ({ex.Message})", ex);
        }
    }

    /// <summary>Writes HDUs to a stream (see <see cref="Write(string, IReadOnlyList{FitsHdu})"/>).</summary>
    public static void Write(Stream stream, IReadOnlyList<FitsHdu> hdus)
    {
        ArgumentNullException.ThrowIfNull(stream);
        for (var i = 0; i < hdus.Count; i++)
        {
            WriteHeader(stream, hdus[i], i, hdus.Count);
            if (hdus[i].Image is { } image)
            {
                WriteData(stream, image);
            }
        }
    }

    private static void WriteHeader(Stream stream, FitsHdu hdu, int index, int total)
    {
        var image = hdu.Image;
        var cards = new List<FitsCard>();
        if (index == 0)
        {
            cards.Add(new FitsCard("SIMPLE", true, "conforms to FITS standard"));
        }
        else
        {
            cards.Add(new FitsCard("XTENSION", "IMAGE", "Image extension"));
        }

        cards.Add(new FitsCard("BITPIX", (long)(image?.Bitpix ?? 8), "array data type"));
        var axes = image?.Axes ?? [];
        cards.Add(new FitsCard("NAXIS", (long)axes.Count, "number of array dimensions"));
        for (var a = 0; a < axes.Count; a++)
        {
            cards.Add(new FitsCard($"NAXIS{a + 1}", (long)axes[a]));
        }

        if (index == 0)
        {
            if (total > 1)
            {
                cards.Add(new FitsCard("EXTEND", true));
            }
        }
        else
        {
            cards.Add(new FitsCard("PCOUNT", 0L, "number of parameters"));
            cards.Add(new FitsCard("GCOUNT", 1L, "number of groups"));
        }

        if (image is not null && !image.IsUnscaled)
        {
            if (image.Bscale != 1.0 || image.Bzero != 0.0)
            {
                cards.Add(new FitsCard("BSCALE", image.Bscale));
                cards.Add(new FitsCard("BZERO", image.Bzero));
            }

            if (image.Blank is { } blank)
            {
                cards.Add(new FitsCard("BLANK", blank));
            }
        }

        foreach (var card in hdu.Header.Cards)
        {
            if (!IsStructural(card.Keyword))
            {
                cards.Add(card);
            }
        }

        var text = new StringBuilder((cards.Count + 1) * 80);
        foreach (var card in cards)
        {
            text.Append(FitsCardFormat.Format(card));
        }

        text.Append("END".PadRight(80));
        var padded = (text.Length + FitsCardFormat.BlockLength - 1) / FitsCardFormat.BlockLength * FitsCardFormat.BlockLength;
        text.Append(' ', padded - text.Length);
        stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static void WriteData(Stream stream, FitsImage image)
    {
        const int Chunk = 1 << 16;
        long bytes = 0;
        switch (image.Raw)
        {
            case byte[] b:
                stream.Write(b);
                bytes = b.Length;
                break;
            case short[] s:
                bytes = WriteSwapped<short>(stream, s, Chunk, (src, dst) => BinaryPrimitives.ReverseEndianness(src, dst));
                break;
            case int[] n:
                bytes = WriteSwapped<int>(stream, n, Chunk, (src, dst) => BinaryPrimitives.ReverseEndianness(src, dst));
                break;
            case long[] l:
                bytes = WriteSwapped<long>(stream, l, Chunk, (src, dst) => BinaryPrimitives.ReverseEndianness(src, dst));
                break;
            case float[] f:
                bytes = WriteSwapped<int>(stream, MemoryMarshal.Cast<float, int>(f.AsSpan()), Chunk, (src, dst) => BinaryPrimitives.ReverseEndianness(src, dst));
                break;
            case double[] d:
                bytes = WriteSwapped<long>(stream, MemoryMarshal.Cast<double, long>(d.AsSpan()), Chunk, (src, dst) => BinaryPrimitives.ReverseEndianness(src, dst));
                break;
        }

        var pad = (int)((FitsCardFormat.BlockLength - (bytes % FitsCardFormat.BlockLength)) % FitsCardFormat.BlockLength);
        stream.Write(new byte[pad]);
    }

    private delegate void Swap<T>(ReadOnlySpan<T> source, Span<T> destination);

    private static long WriteSwapped<T>(Stream stream, ReadOnlySpan<T> data, int chunk, Swap<T> swap)
        where T : unmanaged
    {
        var buffer = new T[Math.Min(chunk, Math.Max(1, data.Length))];
        for (var start = 0; start < data.Length; start += buffer.Length)
        {
            var n = Math.Min(buffer.Length, data.Length - start);
            if (BitConverter.IsLittleEndian)
            {
                swap(data.Slice(start, n), buffer.AsSpan(0, n));
            }
            else
            {
                data.Slice(start, n).CopyTo(buffer);
            }

            stream.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, n)));
        }

        return (long)data.Length * Marshal.SizeOf<T>();
    }
}
