using Apdb.Sky;

namespace Apdb.Association.Tests;

public sealed class CellInteriorTests
{
    /// <summary>
    /// The memory matcher skips the neighbour computation for pixels it calls inside their cell (the 4 x 4 block two
    /// depths up); that is exact only if every neighbour of such a pixel is in the same cell. Checked against
    /// HealpixNested.Neighbours over the whole sky, base-pixel corners and poles included.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(29)]
    public void Pixels_called_inside_their_cell_have_every_neighbour_in_it(int depth)
    {
        var random = new Random(depth);
        var pixels = (12L << (2 * depth)) - 1;
        Span<long> neighbours = stackalloc long[8];
        var inside = 0;
        const int Samples = 40_000;
        for (var i = 0; i < Samples; i++)
        {
            // Half random pixels, half the first pixels of base pixels (their corners and edges).
            var pixel = i % 2 == 0 ? random.NextInt64(0, pixels + 1) : ((long)random.Next(12) << (2 * depth)) + random.Next(16);
            HealpixNested.Neighbours(depth, pixel, neighbours);
            var allInCell = true;
            foreach (var n in neighbours)
            {
                allInCell &= n < 0 || n >> 4 == pixel >> 4;
            }

            if (HealpixCandidateFinder.IsInsideItsCell(pixel))
            {
                inside++;
                Assert.True(allInCell, $"depth {depth} pixel {pixel}: called inside its cell, but a neighbour is outside");
            }
            else
            {
                Assert.False(allInCell, $"depth {depth} pixel {pixel}: every neighbour is in its cell, but it was not called inside");
            }
        }

        // Four of the sixteen pixels of a cell are central.
        Assert.InRange(inside, Samples / 8, Samples * 3 / 8);
    }
}
