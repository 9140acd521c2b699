namespace Apdb.Imaging.Tests;

/// <summary>
/// The vectorised gathers of the background estimator against the scalar predicate they replace (a pixel is kept when
/// finite, without a bad mask bit and, in pass 2, not in an excluded binned column), in order, at every row length
/// 0-256 and from even and odd first columns, so that vector bodies, mixed blocks and scalar tails are all exercised.
/// </summary>
public sealed class BackgroundGatherTests
{
    private const int Bad = 0b101;

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Gather_row_keeps_the_good_pixels_in_order(bool withMask, bool withExclusions)
    {
        for (var n = 0; n <= 256; n++)
        {
            var (row, mask, excluded) = Row(new Random(n), n, withMask, withExclusions);
            for (var x0 = 0; x0 <= Math.Min(3, n); x0++)
            {
                var values = new float[n + 1];

                var count = BackgroundEstimator.MeshScratch.GatherRow(row, mask, excluded, Bad, x0, n, values, 0);

                AssertSame(Expected(row, mask, excluded, x0, n, 1), values, count, n, x0);
            }
        }
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    public void Strided_gather_keeps_every_other_good_pixel_in_order(bool withMask, int stride)
    {
        for (var n = 0; n <= 256; n++)
        {
            var (row, mask, _) = Row(new Random(n + 500), n, withMask, false);
            for (var x0 = 0; x0 <= Math.Min(3, n); x0++)
            {
                var values = new float[n + 1];

                var count = BackgroundEstimator.MeshScratch.GatherEvenRow(row, mask, Bad, x0, n, stride, values, 0);

                AssertSame(Expected(row, mask, default, x0, n, stride), values, count, n, x0);
            }
        }
    }

    [Fact]
    public void Any_bits_finds_a_bad_bit_at_every_position()
    {
        for (var n = 0; n <= 64; n++)
        {
            var values = new int[n];
            Array.Fill(values, 0b010);
            Assert.False(BackgroundEstimator.AnyBits(values, Bad));
            for (var k = 0; k < n; k++)
            {
                values[k] = 0b100;
                Assert.True(BackgroundEstimator.AnyBits(values, Bad), $"length {n}, position {k}");
                values[k] = 0b010;
            }
        }
    }

    /// <summary>
    /// Pass 2 keeps binned rows in rings across the mesh rows one worker takes; the source mask of every mesh row must
    /// not depend on which rows that worker did before (in order, backwards, or shuffled) nor on the ring growing.
    /// </summary>
    [Fact]
    public void Source_mask_does_not_depend_on_the_mesh_rows_computed_before()
    {
        const int Width = 203;
        const int Height = 517;
        const int Mesh = 24;
        var random = new Random(5);
        var image = new float[Width * Height];
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)(50 + (8 * (random.NextDouble() - 0.5)));
        }

        for (var s = 0; s < 60; s++)
        {
            var (cx, cy) = (random.Next(Width), random.Next(Height));
            for (var y = Math.Max(0, cy - 4); y < Math.Min(Height, cy + 5); y++)
            {
                for (var x = Math.Max(0, cx - 4); x < Math.Min(Width, cx + 5); x++)
                {
                    image[(y * Width) + x] += 400f / (1 + ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                }
            }
        }

        var mask = new int[image.Length];
        mask[(100 * Width) + 50] = 1;
        var first = BackgroundEstimator.Estimate(image, Width, Height, mask, 1, Mesh);
        var (nx, ny) = (first.MeshesX, first.MeshesY);
        var imageHandle = System.Runtime.InteropServices.GCHandle.Alloc(image, System.Runtime.InteropServices.GCHandleType.Pinned);
        var maskHandle = System.Runtime.InteropServices.GCHandle.Alloc(mask, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            var badRows = new bool[Height];
            badRows[100] = true;
            var source = new BackgroundEstimator.Source(imageHandle.AddrOfPinnedObject(), maskHandle.AddrOfPinnedObject(), 1, Width, Height, badRows);
            (int Y0, int Y1) Rows(int j) => ((int)((long)j * Height / ny), (int)((long)(j + 1) * Height / ny));
            byte[] Fresh(int j)
            {
                var (y0, y1) = Rows(j);
                var (band, _) = new BackgroundEstimator.MeshScratch(Width, Height, nx, ny).SourceMask(source, first, y0, y1, 6f);
                return band[..((((y1 - 1) >> 1) + 1 - (y0 >> 1)) * ((Width + 1) / 2))];
            }

            var expected = Enumerable.Range(0, ny).Select(Fresh).ToArray();
            Assert.Contains(expected, rows => rows.Contains((byte)1));
            int[][] orders =
            [
                [.. Enumerable.Range(0, ny)],
                [.. Enumerable.Range(0, ny).Reverse()],
                [.. Enumerable.Range(0, ny).OrderBy(_ => random.Next())],
            ];
            foreach (var order in orders)
            {
                var scratch = new BackgroundEstimator.MeshScratch(Width, Height, nx, ny);
                foreach (var j in order)
                {
                    var (y0, y1) = Rows(j);
                    var (band, baseRow) = scratch.SourceMask(source, first, y0, y1, 6f);
                    Assert.Equal(y0 >> 1, baseRow);
                    Assert.Equal(expected[j], band[..expected[j].Length]);
                }
            }
        }
        finally
        {
            imageHandle.Free();
            maskHandle.Free();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Dilated_row_flags_every_pixel_within_the_radius_of_a_detection_at_every_length(int radius)
    {
        for (var n = 0; n <= 256; n++)
        {
            var random = new Random(n + 900);
            var detected = new byte[n];
            for (var x = 0; x < n; x++)
            {
                detected[x] = random.Next(25) == 0 ? (byte)1 : (byte)0;
            }

            var padded = new byte[n + (2 * radius)];
            detected.CopyTo(padded, radius);
            var output = new byte[n];

            BackgroundEstimator.MeshScratch.DilateRow(padded, output, radius);

            for (var t = 0; t < n; t++)
            {
                var expected = false;
                for (var x = Math.Max(0, t - radius); x <= Math.Min(n - 1, t + radius); x++)
                {
                    expected |= detected[x] != 0;
                }

                Assert.True((expected ? 1 : 0) == output[t], $"length {n}, pixel {t}");
            }
        }
    }

    [Fact]
    public void Pair_sums_and_even_samples_equal_their_scalar_loops_at_every_length()
    {
        for (var n = 0; n <= 256; n++)
        {
            var random = new Random(n + 1200);
            var pairs = new float[n];
            for (var x = 0; x < n; x++)
            {
                pairs[x] = (float)((random.NextDouble() - 0.5) * 1e3);
            }

            var binned = new float[(n + 1) / 2];
            var samples = new float[(n + 1) / 2];

            BackgroundEstimator.MeshScratch.PairSums(pairs, binned);
            BackgroundEstimator.MeshScratch.EvenSamples(pairs, samples);

            for (var x = 0; x < binned.Length; x++)
            {
                var k = 2 * x;
                Assert.Equal(k + 1 < n ? pairs[k] + pairs[k + 1] : pairs[k], binned[x]);
                Assert.Equal(pairs[k], samples[x]);
            }
        }
    }

    private static (float[] Row, int[] Mask, byte[] Excluded) Row(Random random, int n, bool withMask, bool withExclusions)
    {
        var row = new float[n];
        var mask = withMask ? new int[n] : [];
        var excluded = withExclusions ? new byte[(n + 1) / 2] : [];
        for (var x = 0; x < n; x++)
        {
            row[x] = random.Next(20) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                _ => (float)random.NextDouble(),
            };
            if (withMask && random.Next(10) == 0)
            {
                mask[x] = random.Next(8);
            }
        }

        // Runs of excluded binned columns, as dilated detections make them, and isolated ones.
        for (var k = 0; k < excluded.Length; k++)
        {
            if (random.Next(12) == 0)
            {
                var run = random.Next(1, 9);
                for (var j = k; j < Math.Min(excluded.Length, k + run); j++)
                {
                    excluded[j] = (byte)random.Next(1, 256);
                }
            }
        }

        return (row, mask, excluded);
    }

    private static List<float> Expected(float[] row, int[] mask, ReadOnlySpan<byte> excluded, int x0, int x1, int stride)
    {
        var kept = new List<float>();
        for (var x = x0; x < x1; x += stride)
        {
            if (float.IsFinite(row[x]) && (mask.Length == 0 || (mask[x] & Bad) == 0) && (excluded.IsEmpty || excluded[x >> 1] == 0))
            {
                kept.Add(row[x]);
            }
        }

        return kept;
    }

    private static void AssertSame(List<float> expected, float[] values, int count, int n, int x0)
    {
        Assert.True(expected.Count == count, $"length {n} from {x0}: {count} kept, expected {expected.Count}");
        for (var k = 0; k < count; k++)
        {
            Assert.Equal(expected[k], values[k]);
        }
    }
}
