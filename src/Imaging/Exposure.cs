namespace Apdb.Imaging;

/// <summary>
/// An image with its variance and mask planes (row-major, index y * Width + x, 0-based pixel centres on integers),
/// and what is known about it: WCS, PSF, photometric calibration, and the header it came with.
/// </summary>
public sealed class Exposure
{
    /// <summary>Creates an exposure; planes are taken, not copied. Variance and mask default to zero-filled planes.</summary>
    public Exposure(int width, int height, float[] image, float[]? variance = null, int[]? mask = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width <= 0 || height <= 0 || (long)width * height != image.LongLength)
        {
            throw new ArgumentException($"image of {image.Length} pixels is not {width} x {height}", nameof(image));
        }

        if (variance is not null && variance.Length != image.Length)
        {
            throw new ArgumentException($"variance plane has {variance.Length} pixels, the image {image.Length}", nameof(variance));
        }

        if (mask is not null && mask.Length != image.Length)
        {
            throw new ArgumentException($"mask plane has {mask.Length} pixels, the image {image.Length}", nameof(mask));
        }

        Width = width;
        Height = height;
        Image = image;
        Variance = variance ?? new float[image.Length];
        Mask = mask ?? new int[image.Length];
    }

    /// <summary>Width in pixels (NAXIS1).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (NAXIS2).</summary>
    public int Height { get; }

    /// <summary>The image plane.</summary>
    public float[] Image { get; }

    /// <summary>The variance plane (image units squared).</summary>
    public float[] Variance { get; }

    /// <summary>The mask plane (bits of <see cref="MaskPlane"/>).</summary>
    public int[] Mask { get; }

    /// <summary>The WCS, or null when unknown.</summary>
    public TanWcs? Wcs { get; set; }

    /// <summary>The PSF model, or null when unknown.</summary>
    public Psf? Psf { get; set; }

    /// <summary>The calibration to nJy, or null when the image is uncalibrated.</summary>
    public PhotoCalib? PhotoCalib { get; set; }

    /// <summary>The header the image came with (or to write), without structural keywords.</summary>
    public FitsHeader Metadata { get; set; } = new();

    /// <summary>True when (x, y) rounds to a pixel inside the image.</summary>
    public bool Contains(double x, double y)
    {
        var ix = Math.Floor(x + 0.5);
        var iy = Math.Floor(y + 0.5);
        return ix >= 0 && iy >= 0 && ix < Width && iy < Height;
    }
}
