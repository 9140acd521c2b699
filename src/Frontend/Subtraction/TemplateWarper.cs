using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Apdb.Imaging;

namespace Apdb.Frontend.Subtraction;

/// <summary>
/// Warps a template onto a science exposure's pixel grid with a Lanczos-3 kernel: the pixel mapping (science pixel to
/// sky to template pixel, through both WCSs) is computed exactly on a grid every <see cref="GridStep"/> pixels and
/// bilinearly interpolated between (the mappings are smooth: the interpolation error is far below a milli-pixel);
/// Lanczos weights come from a 1/1024-pixel table. The variance is the nearest template pixel's times the sum of
/// the squared weights (the template variance is smooth on the kernel's scale). Pixels whose
/// 6 x 6 support leaves the template, or touches an unusable template pixel, are NO_DATA.
/// </summary>
public sealed class TemplateWarper
{
    private const int TableSize = 1024;
    private static readonly float[] LanczosTable = BuildTable();

    /// <summary>The table with each row padded to 8 values (two zeros), for one vector load.</summary>
    private static readonly float[] LanczosTable8 = Pad(LanczosTable);

    /// <summary>sum(w^2) of each table row, summed in float in tap order.</summary>
    private static readonly float[] LanczosSquares = BuildSquares();

    /// <summary>Spacing of the exactly mapped grid, pixels.</summary>
    public int GridStep { get; init; } = 32;

    /// <summary>Warps; throws when the template does not overlap the science grid.</summary>
    /// <param name="template">The template with a WCS.</param>
    /// <param name="scienceWcs">The science WCS.</param>
    /// <param name="width">Science width.</param>
    /// <param name="height">Science height.</param>
    /// <param name="templateName">Names the template in errors.</param>
    public Exposure Warp(Exposure template, TanWcs scienceWcs, int width, int height, string templateName = "the template")
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(scienceWcs);
        var templateWcs = template.Wcs ?? throw new InvalidOperationException($"{templateName} has no WCS");
        var step = GridStep;
        var (mapX, mapY, gx) = PixelMap(templateWcs, scienceWcs, width, height, step);
        var tw = template.Width;
        var th = template.Height;
        // Every pixel of the three planes is written below.
        var image = ScratchPlanes<float>.Rent(width * height);
        var variance = ScratchPlanes<float>.Rent(width * height);
        var mask = ScratchPlanes<int>.Rent(width * height);
        var unusable = (int)MaskPlanes.Unusable;
        var covered = 0L;
        // A co-add usually has no unusable pixel: then the 36-pixel mask OR per output pixel is skipped.
        var anyUnusable = template.Mask.AsSpan().ContainsAnyExcept(0);
        Parallel.For(0, height, () => 0L, (y, _, local) =>
        {
            var j = y / step;
            var ty = (double)(y - (j * step)) / step;
            var row = y * width;
            // Along the row the mapping is linear within each grid cell: its value at the cell's two edges on this row,
            // then one step per pixel.
            var cell = -1;
            double pxLeft = 0, pxStep = 0, pyLeft = 0, pyStep = 0;
            for (var x = 0; x < width; x++)
            {
                var i = x / step;
                if (i != cell)
                {
                    cell = i;
                    var k00 = (j * gx) + i;
                    pxLeft = ((1 - ty) * mapX[k00]) + (ty * mapX[k00 + gx]);
                    pxStep = (((1 - ty) * mapX[k00 + 1]) + (ty * mapX[k00 + gx + 1]) - pxLeft) / step;
                    pyLeft = ((1 - ty) * mapY[k00]) + (ty * mapY[k00 + gx]);
                    pyStep = (((1 - ty) * mapY[k00 + 1]) + (ty * mapY[k00 + gx + 1]) - pyLeft) / step;
                }

                var dx = x - (i * step);
                var px = pxLeft + (pxStep * dx);
                var py = pyLeft + (pyStep * dx);
                var k = row + x;
                if (!double.IsFinite(px) || !double.IsFinite(py))
                {
                    image[k] = float.NaN;
                    variance[k] = 0;
                    mask[k] = (int)MaskPlane.NoData;
                    continue;
                }

                var fx = Math.Floor(px);
                var fy = Math.Floor(py);
                var ix = (int)fx - 2;
                var iy = (int)fy - 2;
                if (ix < 0 || iy < 0 || ix + 6 > tw || iy + 6 > th)
                {
                    image[k] = float.NaN;
                    variance[k] = 0;
                    mask[k] = (int)MaskPlane.NoData;
                    continue;
                }

                var ax = (int)Math.Round((px - fx) * TableSize);
                var ay = (int)Math.Round((py - fy) * TableSize);
                var sum = ix + 8 <= tw ? Interpolate8(template.Image, (iy * tw) + ix, tw, ax, ay)
                    : Interpolate6(template.Image, (iy * tw) + ix, tw, LanczosTable.AsSpan(ax * 6, 6), LanczosTable.AsSpan(ay * 6, 6));
                var m = 0;
                if (anyUnusable)
                {
                    for (var b = 0; b < 6; b++)
                    {
                        foreach (var bits in template.Mask.AsSpan(((iy + b) * tw) + ix, 6))
                        {
                            m |= bits;
                        }
                    }
                }

                // Variance: the nearest template pixel's times sum(w^2) (template variance is smooth over 6 pixels).
                image[k] = sum;
                variance[k] = template.Variance[((iy + 2 + (int)Math.Round(py - fy)) * tw) + ix + 2 + (int)Math.Round(px - fx)] * LanczosSquares[ax] * LanczosSquares[ay];
                if ((m & unusable) != 0 || !float.IsFinite(sum))
                {
                    mask[k] = (int)MaskPlane.NoData;
                }
                else
                {
                    mask[k] = 0;
                    local++;
                }
            }

            return local;
        }, local => Interlocked.Add(ref covered, local));

        if (covered == 0)
        {
            throw new InvalidOperationException($"{templateName} does not overlap the science image");
        }

        return new Exposure(width, height, image, variance, mask)
        {
            Wcs = scienceWcs,
            Psf = template.Psf,
            PhotoCalib = template.PhotoCalib,
            Metadata = template.Metadata.Clone(),
        };
    }

    /// <summary>
    /// The template pixel of every <paramref name="step"/>-th science pixel (gx nodes a row, rows down to the last one
    /// past the height); NaN where the template's projection has no pixel for the sky position.
    /// </summary>
    private static (double[] X, double[] Y, int Gx) PixelMap(TanWcs templateWcs, TanWcs scienceWcs, int width, int height, int step)
    {
        var gx = (width + step - 1) / step + 1;
        var gy = (height + step - 1) / step + 1;
        var mapX = new double[gx * gy];
        var mapY = new double[gx * gy];
        for (var j = 0; j < gy; j++)
        {
            for (var i = 0; i < gx; i++)
            {
                var sky = scienceWcs.PixelToSky(i * step, j * step);
                templateWcs.TrySkyToPixel(sky, out mapX[(j * gx) + i], out mapY[(j * gx) + i]);
            }
        }

        return (mapX, mapY, gx);
    }

    /// <summary>
    /// sum_b wy[b] sum_a wx[a] image[first + b * stride + a] over the 6 x 6 support: one 8-wide load per row (the two
    /// extra columns, inside the row, get zero weight), the column weights applied once to the row-weighted sum.
    /// </summary>
    private static float Interpolate8(float[] image, int first, int stride, int ax, int ay)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return Interpolate6(image, first, stride, LanczosTable.AsSpan(ax * 6, 6), LanczosTable.AsSpan(ay * 6, 6));
        }

        // The caller checked that the 6 rows of 8 values lie inside the image.
        ref var origin = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(image), first);
        ref var wy = ref LanczosTable[ay * 6];
        var rows = Vector256.Create(wy) * Vector256.LoadUnsafe(ref origin);
        for (var b = 1; b < 6; b++)
        {
            rows = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref origin, (nuint)(b * stride)), Vector256.Create(Unsafe.Add(ref wy, b)), rows);
        }

        // Lanes 6 and 7 are outside the support: cleared, so a non-finite pixel there cannot reach the sum; the padded
        // table row has zero weights there.
        var inside = Vector256.Create(-1, -1, -1, -1, -1, -1, 0, 0).AsSingle();
        return Vector256.Sum((rows & inside) * Vector256.LoadUnsafe(ref LanczosTable8[ax * 8]));
    }

    /// <summary>The scalar form of <see cref="Interpolate8"/> (also used where the 8-wide load would leave the row).</summary>
    private static float Interpolate6(float[] image, int first, int stride, ReadOnlySpan<float> wx, ReadOnlySpan<float> wy)
    {
        float sum = 0;
        for (var b = 0; b < 6; b++)
        {
            var t = image.AsSpan(first + (b * stride), 6);
            var sx = (wx[0] * t[0]) + (wx[1] * t[1]) + (wx[2] * t[2]) + (wx[3] * t[3]) + (wx[4] * t[4]) + (wx[5] * t[5]);
            sum += wy[b] * sx;
        }

        return sum;
    }

    private static float[] Pad(float[] table)
    {
        var padded = new float[(TableSize + 1) * 8];
        for (var i = 0; i <= TableSize; i++)
        {
            table.AsSpan(i * 6, 6).CopyTo(padded.AsSpan(i * 8, 6));
        }

        return padded;
    }

    private static float[] BuildSquares()
    {
        var squares = new float[TableSize + 1];
        for (var i = 0; i <= TableSize; i++)
        {
            float s = 0;
            foreach (var w in LanczosTable.AsSpan(i * 6, 6))
            {
                s += w * w;
            }

            squares[i] = s;
        }

        return squares;
    }

    private static float[] BuildTable()
    {
        var table = new float[(TableSize + 1) * 6];
        Span<double> w = stackalloc double[6];
        for (var i = 0; i <= TableSize; i++)
        {
            SpecialFunctions.Lanczos3Weights((double)i / TableSize, w);
            for (var a = 0; a < 6; a++)
            {
                table[(i * 6) + a] = (float)w[a];
            }
        }

        return table;
    }
}
