using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Apdb.Imaging;

/// <summary>
/// Reads and writes FITS files (FITS 4.0): 2880-byte blocks, 80-character cards, big-endian data, a primary HDU
/// followed by extensions. Images (primary or IMAGE extensions) with BITPIX 8/16/32/64/-32/-64 and BSCALE/BZERO/BLANK
/// are read and written; other extensions (tables) are listed and skipped. Every failure is a <see cref="FitsException"/>
/// whose message names the file and the problem.
/// </summary>
public static partial class FitsFile
{
    /// <summary>Structural keywords the reader consumes and the writer regenerates.</summary>
    internal static readonly HashSet<string> StructuralKeywords =
    [
        "SIMPLE", "XTENSION", "BITPIX", "NAXIS", "PCOUNT", "GCOUNT", "EXTEND", "BSCALE", "BZERO", "BLANK", "END",
    ];

    /// <summary>Lists the HDUs of a file from their headers (no data is read).</summary>
    public static IReadOnlyList<FitsHduInfo> ReadHeaders(string path)
    {
        using var stream = OpenRead(path);
        return ScanHdus(stream, path);
    }

    /// <summary>Lists the HDUs of FITS bytes in a seekable stream (a cutout in memory); <paramref name="name"/> names it in errors.</summary>
    public static IReadOnlyList<FitsHduInfo> ReadHeaders(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ScanHdus(stream, name);
    }

    /// <summary>Reads every HDU; non-image extensions come back with a null image.</summary>
    public static IReadOnlyList<FitsHdu> ReadAll(string path)
    {
        using var stream = OpenRead(path);
        var infos = ScanHdus(stream, path);
        return [.. infos.Select(info => new FitsHdu(UserHeader(info.Header), info.IsImage ? ReadData(stream, path, info) : null))];
    }

    /// <summary>Reads one HDU by index (0 = primary).</summary>
    public static FitsHdu ReadHdu(string path, int index)
    {
        using var stream = OpenRead(path);
        var infos = ScanHdus(stream, path);
        if (index < 0 || index >= infos.Count)
        {
            throw new FitsException($"{path}: HDU {index} does not exist (the file has {infos.Count} HDU{(infos.Count == 1 ? "" : "s")}, 0-{infos.Count - 1})");
        }

        var info = infos[index];
        return new FitsHdu(UserHeader(info.Header), info.IsImage ? ReadData(stream, path, info) : null);
    }

    /// <summary>Reads the data of a listed HDU.</summary>
    public static FitsImage ReadImage(string path, FitsHduInfo info)
    {
        using var stream = OpenRead(path);
        return ReadData(stream, path, info);
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new FitsException($"{path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new FitsException($"{path}: no such file (the directory does not exist)");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new FitsException($"{path}: cannot be read ({ex.Message})", ex);
        }
        catch (IOException ex)
        {
            throw new FitsException($"{path}: cannot be read ({ex.Message})", ex);
        }
    }

    private static FitsHeader UserHeader(FitsHeader full)
    {
        var user = new FitsHeader();
        foreach (var card in full.Cards)
        {
            if (!IsStructural(card.Keyword))
            {
                user.Add(card);
            }
        }

        return user;
    }

    internal static bool IsStructural(string keyword) =>
        StructuralKeywords.Contains(keyword) || (keyword.StartsWith("NAXIS", StringComparison.Ordinal) && keyword.Length > 5 && char.IsAsciiDigit(keyword[5]));

    private static List<FitsHduInfo> ScanHdus(Stream stream, string path)
    {
        var length = stream.Length;
        if (length == 0)
        {
            throw new FitsException($"{path}: not a FITS file (it is empty)");
        }

        var result = new List<FitsHduInfo>();
        long offset = 0;
        var block = new byte[FitsCardFormat.BlockLength];
        while (offset < length)
        {
            var index = result.Count;
            var header = new FitsHeader();
            var ended = false;
            var first = true;
            while (!ended)
            {
                if (offset + FitsCardFormat.BlockLength > length)
                {
                    if (index == 0 && first)
                    {
                        CheckSignature(stream, path, length);
                    }

                    throw new FitsException(index == 0 && first
                        ? $"{path}: truncated: the file has {length} bytes, less than one 2880-byte header block"
                        : $"{path}: truncated: the header of HDU {index} has no END card before the end of the file at byte {length}");
                }

                stream.Position = offset;
                stream.ReadExactly(block);
                offset += FitsCardFormat.BlockLength;
                for (var c = 0; c < 36 && !ended; c++)
                {
                    var text = Encoding.ASCII.GetString(block, c * 80, 80);
                    if (first && c == 0)
                    {
                        var ok = index == 0 ? text.StartsWith("SIMPLE  =", StringComparison.Ordinal) : text.StartsWith("XTENSION=", StringComparison.Ordinal);
                        if (!ok)
                        {
                            if (index == 0)
                            {
                                throw new FitsException($"{path}: not a FITS file (it does not start with 'SIMPLE  =')");
                            }

                            // Bytes after the last HDU that are not a header: FITS allows special records; stop here.
                            return result;
                        }
                    }

                    foreach (var ch in text)
                    {
                        if (ch is < ' ' or > '~')
                        {
                            throw new FitsException($"{path}: not a valid FITS header: HDU {index} card {(c + 1)} has a non-ASCII byte");
                        }
                    }

                    var card = FitsCardFormat.Parse(text);
                    if (card is null)
                    {
                        ended = true;
                    }
                    else
                    {
                        header.Add(card);
                    }
                }

                first = false;
            }

            var (xtension, bitpix, axes, dataBytes) = Structure(header, path, index);
            result.Add(new FitsHduInfo(index, xtension, bitpix, axes, header, offset, dataBytes));
            // Written as a difference: a data size near the long range must not wrap around to a negative offset.
            if (dataBytes > length - offset)
            {
                // Reported when the data is read, so listing a truncated file still names its HDUs.
                offset = length;
                break;
            }

            offset += (dataBytes + FitsCardFormat.BlockLength - 1) / FitsCardFormat.BlockLength * FitsCardFormat.BlockLength;
        }

        return result;
    }

    private static void CheckSignature(Stream stream, string path, long length)
    {
        var n = (int)Math.Min(length, 9);
        var head = new byte[n];
        stream.Position = 0;
        stream.ReadExactly(head);
        if (!Encoding.ASCII.GetString(head).Equals("SIMPLE  ="[..n], StringComparison.Ordinal))
        {
            throw new FitsException($"{path}: not a FITS file (it does not start with 'SIMPLE  =')");
        }
    }

    private static (string? XTension, int Bitpix, int[] Axes, long DataBytes) Structure(FitsHeader header, string path, int index)
    {
        string? xtension = null;
        if (index == 0)
        {
            if (header.GetBool("SIMPLE") != true)
            {
                throw new FitsException($"{path}: SIMPLE is not T: the file does not conform to the FITS standard");
            }
        }
        else
        {
            xtension = header.GetString("XTENSION")?.Trim() ?? throw new FitsException($"{path}: HDU {index} has no XTENSION value");
        }

        var bitpix = header.GetLong("BITPIX") ?? throw new FitsException($"{path}: HDU {index} has no integer BITPIX");
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64))
        {
            throw new FitsException($"{path}: HDU {index} has BITPIX = {bitpix}, not one of 8, 16, 32, 64, -32, -64");
        }

        var naxis = header.GetLong("NAXIS") ?? throw new FitsException($"{path}: HDU {index} has no integer NAXIS");
        if (naxis is < 0 or > 999)
        {
            throw new FitsException($"{path}: HDU {index} has NAXIS = {naxis}, outside 0-999");
        }

        var axes = new int[naxis];
        long count = naxis == 0 ? 0 : 1;
        for (var i = 0; i < naxis; i++)
        {
            var n = header.GetLong($"NAXIS{i + 1}") ?? throw new FitsException($"{path}: HDU {index} has no integer NAXIS{i + 1}");
            if (n is < 0 or > int.MaxValue)
            {
                throw new FitsException($"{path}: HDU {index} has NAXIS{i + 1} = {n}, outside 0-{int.MaxValue}");
            }

            axes[i] = (int)n;
            count = count > long.MaxValue / Math.Max(n, 1)
                ? throw new FitsException($"{path}: HDU {index} has {DescribeSize(header, (int)naxis)}: more data than any file can hold")
                : count * n;
        }

        var pcount = header.GetLong("PCOUNT") ?? 0;
        var gcount = header.GetLong("GCOUNT") ?? 1;
        if (pcount < 0 || gcount < 0)
        {
            throw new FitsException($"{path}: HDU {index} has {(pcount < 0 ? $"PCOUNT = {pcount}" : $"GCOUNT = {gcount}")}, which must not be negative");
        }

        long bytes;
        try
        {
            bytes = naxis == 0 ? 0 : checked(Math.Abs(bitpix) / 8 * gcount * (pcount + count));
        }
        catch (OverflowException)
        {
            throw new FitsException($"{path}: HDU {index} has {DescribeSize(header, (int)naxis)}: more data than any file can hold");
        }

        return (xtension, (int)bitpix, axes, bytes);
    }

    /// <summary>The keywords that size an HDU's data, for a message: "BITPIX = -32, NAXIS1 = 2000000000, NAXIS2 = 10".</summary>
    private static string DescribeSize(FitsHeader header, int naxis)
    {
        var parts = new List<string> { $"BITPIX = {header.GetLong("BITPIX")}" };
        for (var i = 1; i <= naxis; i++)
        {
            parts.Add($"NAXIS{i} = {header.GetLong($"NAXIS{i}")}");
        }

        foreach (var keyword in new[] { "PCOUNT", "GCOUNT" })
        {
            if (header.GetLong(keyword) is { } value && value != (keyword == "PCOUNT" ? 0 : 1))
            {
                parts.Add($"{keyword} = {value}");
            }
        }

        return string.Join(", ", parts);
    }

    private static FitsImage ReadData(FileStream stream, string path, FitsHduInfo info)
    {
        if (!info.IsImage)
        {
            throw new FitsException($"{path}: HDU {info.Index} is {(info.XTension is { } x ? $"a {x} extension" : "empty")}, not an image");
        }

        if (info.DataBytes > stream.Length - info.DataOffset)
        {
            throw new FitsException($"{path}: truncated: HDU {info.Index} has {DescribeSize(info.Header, info.Axes.Count)}, {info.DataBytes} data bytes from byte {info.DataOffset}, but the file ends at byte {stream.Length}");
        }

        var values = info.DataBytes / (Math.Abs(info.Bitpix) / 8);
        if (values > Array.MaxLength)
        {
            throw new FitsException($"{path}: HDU {info.Index} has {DescribeSize(info.Header, info.Axes.Count)}: {values} values, more than one array can hold ({Array.MaxLength})");
        }

        var count = (int)values;

        Array raw = info.Bitpix switch
        {
            8 => ReadPlane<byte>(stream, path, info, count),
            16 => ReadPlane<short>(stream, path, info, count),
            32 => ReadPlane<int>(stream, path, info, count),
            64 => ReadPlane<long>(stream, path, info, count),
            -32 => ReadPlane<float>(stream, path, info, count),
            _ => ReadPlane<double>(stream, path, info, count),
        };

        var h = info.Header;
        var bscale = h.GetDouble("BSCALE") ?? 1.0;
        var bzero = h.GetDouble("BZERO") ?? 0.0;
        if (bscale == 0 || !double.IsFinite(bscale) || !double.IsFinite(bzero))
        {
            throw new FitsException($"{path}: HDU {info.Index} has BSCALE = {bscale}, BZERO = {bzero}: BSCALE must be finite and non-zero");
        }

        var blank = info.Bitpix > 0 ? h.GetLong("BLANK") : null;
        return new FitsImage(raw, info.Axes, bscale, bzero, blank);
    }

    /// <summary>A new plane of <paramref name="count"/> values of <typeparamref name="T"/>, read from the HDU's data.</summary>
    private static T[] ReadPlane<T>(FileStream stream, string path, FitsHduInfo info, int count)
        where T : unmanaged
    {
        var plane = PlaneMemory.Uninitialized<T>(count);
        ReadBlocks(stream, path, info, plane);
        return plane;
    }

    /// <summary>
    /// Reads the data of <paramref name="info"/> straight into <paramref name="destination"/> and swaps it from big-endian
    /// in place: blocks of 1 MB, each read and swapped by one thread while it is in cache, the blocks in parallel (the
    /// kernel's copy and the first touch of fresh pages are most of the cost of a large image, and they split across
    /// cores). No intermediate buffer.
    /// </summary>
    private static void ReadBlocks<T>(FileStream stream, string path, FitsHduInfo info, T[] destination)
        where T : unmanaged
    {
        const int Block = 1 << 20;
        var perBlock = Block / Unsafe.SizeOf<T>();
        var blocks = (destination.Length + perBlock - 1) / perBlock;
        var handle = stream.SafeFileHandle;
        var offset = info.DataOffset;
        string? failure = null;
        Parallel.For(0, blocks, block =>
        {
            var first = block * perBlock;
            var bytes = MemoryMarshal.AsBytes(destination.AsSpan(first, Math.Min(perBlock, destination.Length - first)));
            var start = (long)first * Unsafe.SizeOf<T>();
            var length = bytes.Length;
            try
            {
                for (var done = 0; done < length;)
                {
                    var n = RandomAccess.Read(handle, bytes[done..], offset + start + done);
                    if (n == 0)
                    {
                        Interlocked.CompareExchange(ref failure, $"truncated: HDU {info.Index} ends before byte {offset + start + done + 1}", null);
                        return;
                    }

                    done += n;
                }
            }
            catch (IOException ex)
            {
                Interlocked.CompareExchange(ref failure, $"cannot be read ({ex.Message})", null);
                return;
            }

            if (BitConverter.IsLittleEndian)
            {
                switch (Unsafe.SizeOf<T>())
                {
                    case 2:
                        var s = MemoryMarshal.Cast<byte, short>(bytes);
                        BinaryPrimitives.ReverseEndianness(s, s);
                        break;
                    case 4:
                        var i = MemoryMarshal.Cast<byte, int>(bytes);
                        BinaryPrimitives.ReverseEndianness(i, i);
                        break;
                    case 8:
                        var l = MemoryMarshal.Cast<byte, long>(bytes);
                        BinaryPrimitives.ReverseEndianness(l, l);
                        break;
                }
            }
        });

        if (failure is not null)
        {
            throw new FitsException($"{path}: {failure}");
        }
    }
}
