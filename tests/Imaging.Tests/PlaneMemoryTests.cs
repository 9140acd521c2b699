namespace Apdb.Imaging.Tests;

public sealed class PlaneMemoryTests
{
    [Fact]
    public void Planes_have_their_length_zeroed_ones_are_zero_and_both_are_ordinary_arrays_to_write()
    {
        foreach (var length in new[] { 0, 1, 1000, (3 << 20) + 5 })
        {
            var zeroed = PlaneMemory.Zeroed<int>(length);
            Assert.Equal(length, zeroed.Length);
            Assert.True(zeroed.AsSpan().IndexOfAnyExcept(0) < 0);

            var plane = PlaneMemory.Uninitialized<float>(length);
            Assert.Equal(length, plane.Length);
            plane.AsSpan().Fill(2.5f);
            Assert.True(plane.AsSpan().IndexOfAnyExcept(2.5f) < 0);
        }
    }
}
