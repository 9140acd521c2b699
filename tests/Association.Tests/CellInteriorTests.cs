using Apdb.Sky;

namespace Apdb.Association.Tests;

public sealed class CellInteriorTests
{
    /// <summary>
    /// The memory matcher skips the neighbour computation for pixels it calls inside their cell (the block
    /// <c>levels</c> depths up); that is exact only if every neighbour of such a pixel is in the same cell. Checked
    /// against HealpixNested.Neighbours over the whole sky, base-pixel corners and poles included.
    /// </summary>
    [Theory]
    [InlineData(2, 2)]
    [InlineData(5, 2)]
    [InlineData(16, 2)]
    [InlineData(29, 2)]
    [InlineData(3, 3)]
    [InlineData(16, 3)]
    [InlineData(29, 3)]
    [InlineData(16, 4)]
    public void Pixels_called_inside_their_cell_have_every_neighbour_in_it(int depth, int levels)
    {
        var random = new Random(depth);
        var pixels = (12L << (2 * depth)) - 1;
        Span<long> neighbours = stackalloc long[8];
        var inside = 0;
        const int Samples = 40_000;
        for (var i = 0; i < Samples; i++)
        {
            // Half random pixels, half the first pixels of base pixels (their corners and edges).
            var pixel = i % 2 == 0 ? random.NextInt64(0, pixels + 1) : ((long)random.Next(12) << (2 * depth)) + random.Next(1 << (2 * levels));
            var shift = 2 * levels;
            HealpixNested.Neighbours(depth, pixel, neighbours);
            var allInCell = true;
            foreach (var n in neighbours)
            {
                allInCell &= n < 0 || n >> shift == pixel >> shift;
            }

            if (HealpixCandidateFinder.IsInsideItsCell(pixel, levels))
            {
                inside++;
                Assert.True(allInCell, $"depth {depth} pixel {pixel}: called inside its cell, but a neighbour is outside");
            }
            else
            {
                Assert.False(allInCell, $"depth {depth} pixel {pixel}: every neighbour is in its cell, but it was not called inside");
            }
        }

        // (2^levels - 2)^2 of the 4^levels pixels of a cell are off its border.
        var side = 1 << levels;
        var expected = (double)((side - 2) * (side - 2)) / (side * side);
        Assert.InRange(inside, Samples * expected * 0.5, Samples * Math.Min(1, expected * 1.5));
    }

    [Fact]
    public void The_matcher_uses_cells_it_has_checked()
    {
        Assert.InRange(HealpixCandidateFinder.CellLevels, 2, 4);
    }
}
