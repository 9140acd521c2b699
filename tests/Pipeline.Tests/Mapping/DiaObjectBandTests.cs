using System.Reflection;
using Apdb.Association;
using Apdb.Pipeline.DiaPipe;
using Apdb.Records;
using Apdb.Sky;

namespace Apdb.Pipeline.Tests.Mapping;

/// <summary>
/// The generated per-band view of a DiaObject row: <see cref="DiaObject.GetBand"/> and <see cref="DiaObject.SetBand"/>
/// reach exactly the columns named after the band (<c>g_psfFluxMean</c> for band g), and every per-band column.
/// </summary>
public sealed class DiaObjectBandTests
{
    private static readonly PropertyInfo[] BandProperties = typeof(DiaObjectBandColumns).GetProperties();

    [Fact]
    public void The_band_struct_holds_every_column_the_six_bands_repeat()
    {
        var perBand = DiaObjectColumns.Names.Where(n => n.StartsWith("u_", StringComparison.Ordinal)).Select(n => n[2..]).ToList();
        Assert.Equal(12, perBand.Count);
        Assert.Equal(perBand.Select(Pascal).Order(), BandProperties.Select(p => p.Name).Order());
    }

    [Theory]
    [InlineData(Band.U)]
    [InlineData(Band.G)]
    [InlineData(Band.R)]
    [InlineData(Band.I)]
    [InlineData(Band.Z)]
    [InlineData(Band.Y)]
    public void SetBand_writes_that_bands_columns_only_and_GetBand_reads_them_back(Band band)
    {
        object values = new DiaObjectBandColumns();
        for (var k = 0; k < BandProperties.Length; k++)
        {
            var p = BandProperties[k];
            p.SetValue(values, p.PropertyType == typeof(int) ? (object)(k + 1) : (float)(k + 1) + 0.5f);
        }

        var o = new DiaObject();
        o.SetBand(band, (DiaObjectBandColumns)values);

        var letter = "UGRIZY"[(int)band];
        foreach (var name in DiaObjectColumns.Names.Where(n => n.Length > 2 && n[1] == '_' && "ugrizy".Contains(n[0])))
        {
            var column = typeof(DiaObject).GetProperty(Pascal(name))!.GetValue(o);
            var bandProperty = typeof(DiaObjectBandColumns).GetProperty(Pascal(name[2..]))!;
            var expected = char.ToUpperInvariant(name[0]) == letter ? bandProperty.GetValue(values) : bandProperty.GetValue(new DiaObjectBandColumns());
            Assert.True(Equals(expected, column), $"{name}: {column} (expected {expected})");
        }

        Assert.Equal((DiaObjectBandColumns)values, o.GetBand(band));
    }

    [Fact]
    public void A_value_outside_the_six_filters_is_refused()
    {
        var o = new DiaObject();
        Assert.Throws<ArgumentOutOfRangeException>(() => o.GetBand((Band)6));
        Assert.Throws<ArgumentOutOfRangeException>(() => o.SetBand((Band)6, default));
    }

    [Fact]
    public void A_summary_becomes_a_version_whose_columns_equal_the_summarys_named_columns()
    {
        var bands = Enumerable.Range(0, 6).Select(b => b == 3
            ? new BandSummary(null, null, null, 0, null, null, null, null, null, null)
            : new BandSummary(10 + b, 1 + b, 2 + b, 3 + b, 4 + b, 50 + b, b == 1 ? double.NaN : 6 + b, 7 + b, 80 + b, 9 + b)).ToList();
        var summary = new DiaObjectSummary(42, 10, -20, 1e-5, 2e-5, 17, 60_000, 60_100, bands);

        var o = DiaObjectVersions.FromSummary(summary);

        foreach (var (name, value) in summary.Columns())
        {
            var column = typeof(DiaObject).GetProperty(Pascal(name))!.GetValue(o);
            object? expected = value switch
            {
                double d when name is "ra" or "dec" or "firstDiaSourceMjdTai" or "lastDiaSourceMjdTai" => d,
                double d => double.IsFinite(d) ? (float)d : null,
                _ => value,
            };
            Assert.True(Equals(expected, column), $"{name}: {column} (expected {expected})");
        }

        foreach (var band in new[] { "u", "g", "r", "i", "z", "y" })
        {
            Assert.Null(typeof(DiaObject).GetProperty(Pascal(band + "_fpFluxMean"))!.GetValue(o));
        }
    }

    private static string Pascal(string column) =>
        string.Concat(column.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
