namespace Apdb.Imaging.Tests;

public sealed class ExposureReadTests
{
    /// <summary>
    /// The variance estimated on read (background RMS^2 plus, with GAIN, a smoothed source Poisson term) is computed in
    /// bands of rows; it must equal, bit for bit, the whole-plane definition: residual = image - level (non-finite: 0),
    /// 5x5 and 3x3 box means with clamped edges, rms^2 + (mean5 > 3 rms / 5 ? max(mean3, 0) / gain : 0).
    /// </summary>
    [Theory]
    [InlineData(37, 5, 2.0)]
    [InlineData(130, 131, 1.5)]
    [InlineData(300, 200, 0.0)]
    [InlineData(64, 200, 0.5)]
    [InlineData(9, 3, 1.0)]
    public void Estimated_variance_equals_the_whole_plane_definition(int width, int height, double gain)
    {
        using var dir = new TempDir();
        var random = new Random(width * height);
        var image = new float[width * height];
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)(100 + (10 * Gaussian(random)));
        }

        // A few bright sources, a NaN and a saturated pixel.
        for (var s = 0; s < 6; s++)
        {
            var cx = random.Next(width);
            var cy = random.Next(height);
            for (var y = Math.Max(0, cy - 3); y < Math.Min(height, cy + 4); y++)
            {
                for (var x = Math.Max(0, cx - 3); x < Math.Min(width, cx + 4); x++)
                {
                    image[(y * width) + x] += 5000f / (1 + ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                }
            }
        }

        image[width + 1] = float.NaN;
        image[image.Length / 2] = 70000f;
        var header = new FitsHeader();
        if (gain > 0)
        {
            header.Set("GAIN", gain);
        }

        header.Set("SATURATE", 60000.0);
        var path = dir.File("image.fits");
        FitsFile.Write(path, [new FitsHdu(header, FitsImage.FromFloats((float[])image.Clone(), width, height))]);

        var loaded = ExposureFits.Read(path, subtractBackground: false);

        var mask = new int[image.Length];
        for (var k = 0; k < image.Length; k++)
        {
            mask[k] = !float.IsFinite(image[k]) ? (int)MaskPlane.NoData : image[k] >= 60000f ? (int)MaskPlane.Sat : 0;
        }

        Assert.Equal(mask, loaded.Exposure.Mask);
        var background = BackgroundEstimator.Estimate(image, width, height, mask, (int)MaskPlanes.Unusable);
        var (level, rms) = background.ToImages();
        var residual = new float[image.Length];
        for (var k = 0; k < image.Length; k++)
        {
            var r = image[k] - level[k];
            residual[k] = float.IsFinite(r) ? r : 0f;
        }

        var mean5 = BackgroundEstimator.BoxSmooth(residual, width, height, 2);
        var mean3 = BackgroundEstimator.BoxSmooth(residual, width, height, 1);
        var g = (float)gain;
        for (var k = 0; k < image.Length; k++)
        {
            var source = g > 0 && mean5[k] > 3f * rms[k] / 5f ? Math.Max(mean3[k], 0f) / g : 0f;
            Assert.Equal((rms[k] * rms[k]) + source, loaded.Exposure.Variance[k]);
        }

        Assert.Equal(gain > 0, loaded.VarianceSource.Contains("GAIN", StringComparison.Ordinal));

        // Subtracting the background (done within the variance pass) changes the image alone: image - level, bit for bit.
        var subtracted = ExposureFits.Read(path);
        Assert.Equal(loaded.Exposure.Variance, subtracted.Exposure.Variance);
        Assert.Equal(loaded.Exposure.Mask, subtracted.Exposure.Mask);
        for (var k = 0; k < image.Length; k++)
        {
            var expected = image[k] - level[k];
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(subtracted.Exposure.Image[k]) || (float.IsNaN(expected) && float.IsNaN(subtracted.Exposure.Image[k])),
                $"pixel {k}: expected {expected:R}, got {subtracted.Exposure.Image[k]:R}");
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
