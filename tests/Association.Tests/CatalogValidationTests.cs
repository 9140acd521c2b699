namespace Apdb.Association.Tests;

public sealed class CatalogValidationTests
{
    [Theory]
    [InlineData(10.0, 91.0, "source 123: dec = 91 is outside [-90, 90]")]
    [InlineData(10.0, -90.5, "source 123: dec = -90.5 is outside [-90, 90]")]
    [InlineData(-0.1, 0.0, "source 123: ra = -0.1 is outside [0, 360]")]
    [InlineData(360.5, 0.0, "source 123: ra = 360.5 is outside [0, 360]")]
    [InlineData(double.NaN, 0.0, "source 123: ra = NaN is not a finite number")]
    [InlineData(1.0, double.PositiveInfinity, "source 123: dec = Infinity is not a finite number")]
    public void A_bad_coordinate_names_the_row_id_and_the_value(double ra, double dec, string expected)
    {
        var rows = new[] { new CatalogEntry(5, 1, 1), new CatalogEntry(123, ra, dec) };
        var e = Assert.Throws<AssociationInputException>(() => Catalog.Create(rows, "source"));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void A_duplicate_id_names_the_id_and_both_rows()
    {
        var rows = new[] { new CatalogEntry(7, 1, 1), new CatalogEntry(8, 1, 1), new CatalogEntry(7, 2, 2) };
        var e = Assert.Throws<AssociationInputException>(() => Catalog.Create(rows, "object"));
        Assert.Equal("object 7: duplicate id (rows 1 and 3)", e.Message);
    }

    [Theory]
    [InlineData(0.0, "raErr = 0")]
    [InlineData(-1e-5, "raErr = -1E-05")]
    [InlineData(double.PositiveInfinity, "raErr = Infinity")]
    public void A_present_error_must_be_finite_and_positive(double raErr, string expectedValue)
    {
        var rows = new[] { new CatalogEntry(1, 1, 1, 1e-5, 1e-5), new CatalogEntry(42, 1, 1, raErr, 1e-5) };
        var e = Assert.Throws<AssociationInputException>(() => Catalog.Create(rows, "source"));
        Assert.StartsWith($"source 42: {expectedValue} must be finite and > 0", e.Message);
    }

    [Fact]
    public void Unknown_errors_are_NaN_and_a_catalog_has_errors_when_any_row_gives_one()
    {
        var withOne = Catalog.Create([new CatalogEntry(1, 1, 1), new CatalogEntry(2, 1, 1, 1e-5, double.NaN)]);
        var withNone = Catalog.Create([new CatalogEntry(1, 1, 1)]);
        Assert.True(withOne.HasErrors);
        Assert.True(double.IsNaN(withOne.RaErrDeg[0]));
        Assert.Equal(1e-5, withOne.RaErrDeg[1]);
        Assert.False(withNone.HasErrors);
    }

    [Fact]
    public void Unit_vectors_are_computed_once_and_are_unit_length_at_the_poles_and_the_wrap()
    {
        var c = Catalog.Create([new CatalogEntry(1, 0, 90), new CatalogEntry(2, 360, -90), new CatalogEntry(3, 359.9999999, 0)]);
        for (var i = 0; i < c.Count; i++)
        {
            Assert.Equal(1.0, (c.X[i] * c.X[i]) + (c.Y[i] * c.Y[i]) + (c.Z[i] * c.Z[i]), 15);
        }

        Assert.Equal(1.0, c.Z[0]);
        Assert.Equal(-1.0, c.Z[1]);
        Assert.True(c.TryGetIndex(3, out var index));
        Assert.Equal(2, index);
        Assert.False(c.TryGetIndex(4, out _));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public async Task A_radius_that_is_not_finite_and_positive_is_a_clear_error(double radius)
    {
        var c = TestCatalogs.Objects((1, 1, 1));
        var e = await Assert.ThrowsAsync<AssociationInputException>(async () =>
            await Associator.AssociateAsync(c, c, radius, AssociationMode.Greedy, BruteForceCandidateFinder.Instance));
        Assert.Contains("match radius must be a finite number of arcseconds > 0", e.Message);
    }
}
