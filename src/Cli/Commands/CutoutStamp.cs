using System.Buffers.Binary;
using Apdb.Imaging;

namespace Apdb.Cli.Commands;

/// <summary>
/// The image of one alert cutout (the primary HDU of the FITS bytes <see cref="Alerts.Cutout"/> writes): its pixels as
/// stored, row-major from the bottom row (FITS order), its unit and the exposure pixel of its first pixel.
/// </summary>
internal sealed record CutoutStamp(float[] Pixels, int Width, int Height, string Unit, long X0, long Y0)
{
    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/> (0-based, row 0 at the bottom).</summary>
    public float this[int x, int y] => Pixels[(y * Width) + x];

    /// <summary>Decodes the primary image of a cutout; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="FitsException">The bytes are not a FITS file whose primary HDU is a 2-d float or integer image.</exception>
    public static CutoutStamp Read(byte[] fits, string name)
    {
        using var stream = new MemoryStream(fits, writable: false);
        var primary = FitsFile.ReadHeaders(stream, name)[0];
        if (!primary.IsImage || primary.Axes.Count != 2)
        {
            throw new FitsException($"{name}: the primary HDU is not a 2-d image");
        }

        var (width, height) = (primary.Axes[0], primary.Axes[1]);
        var bytesPerValue = Math.Abs(primary.Bitpix) / 8;
        if (primary.DataOffset + ((long)width * height * bytesPerValue) > fits.Length)
        {
            throw new FitsException($"{name}: truncated: {width}x{height} pixels of BITPIX {primary.Bitpix} do not fit in {fits.Length} bytes");
        }

        var scale = primary.Header.GetDouble("BSCALE") ?? 1.0;
        var zero = primary.Header.GetDouble("BZERO") ?? 0.0;
        var data = fits.AsSpan((int)primary.DataOffset);
        var pixels = new float[width * height];
        for (var k = 0; k < pixels.Length; k++)
        {
            var cell = data.Slice(k * bytesPerValue, bytesPerValue);
            double raw = primary.Bitpix switch
            {
                -32 => BinaryPrimitives.ReadSingleBigEndian(cell),
                -64 => BinaryPrimitives.ReadDoubleBigEndian(cell),
                32 => BinaryPrimitives.ReadInt32BigEndian(cell),
                16 => BinaryPrimitives.ReadInt16BigEndian(cell),
                _ => throw new FitsException($"{name}: BITPIX {primary.Bitpix} is not a cutout's pixel type"),
            };
            pixels[k] = (float)((raw * scale) + zero);
        }

        return new CutoutStamp(pixels, width, height, primary.Header.GetString("BUNIT") ?? "",
            primary.Header.GetLong("CUTX0") ?? 0, primary.Header.GetLong("CUTY0") ?? 0);
    }
}
