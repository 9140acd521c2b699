namespace Apdb.Imaging.Tests;

public sealed class FitsTests
{
    private static readonly int[] Axes = [7, 5];

    public static TheoryData<int, double, double> Cases => new()
    {
        { 8, 1.0, 0.0 }, { 8, 0.5, -10.0 }, { 16, 1.0, 0.0 }, { 16, 1.0, 32768.0 }, { 16, 0.01, 3.5 },
        { 32, 1.0, 0.0 }, { 32, 1.0, 2147483648.0 }, { 32, 2.5e-3, -7.0 }, { 64, 1.0, 0.0 },
        { -32, 1.0, 0.0 }, { -32, 2.0, 100.0 }, { -64, 1.0, 0.0 }, { -64, 0.25, -1.0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_BITPIX_with_BSCALE_and_BZERO_round_trips_exactly(int bitpix, double bscale, double bzero)
    {
        using var dir = new TempDir();
        var (min, max) = bitpix switch { 8 => (0, 255), 16 => (-32768, 32767), 32 => (-2_000_000_000, 2_000_000_000), 64 => (-2_000_000_000, 2_000_000_000), _ => (-1000, 1000) };
        var random = new Random(bitpix + 100);
        var raw = Enumerable.Range(0, 35).Select(i => i == 0 ? min : i == 1 ? max : (double)random.Next(min, max)).ToArray();
        var physical = raw.Select(r => bzero + (bscale * r)).ToArray();
        var image = FitsImage.FromPhysical(physical, Axes, bitpix, bscale, bzero);
        var header = new FitsHeader();
        header.Set("OBJECT", "test 'quoted'", "a string with quotes");
        header.Set("EXPTIME", 30.5, "seconds");
        header.Set("NCOMBINE", 3L);
        header.Set("FLAG", true);
        header.Add(new FitsCard("HISTORY", null, "written by the round-trip test"));
        var path = dir.File("rt.fits");
        FitsFile.Write(path, [new FitsHdu(header, image)]);
        Assert.Equal(0, new FileInfo(path).Length % 2880);
        var back = FitsFile.ReadHdu(path, 0);
        Assert.Equal(bitpix, back.Image!.Bitpix);
        Assert.Equal(Axes, back.Image.Axes);
        Assert.Equal(physical, back.Image.ToDoubles());
        Assert.Equal("test 'quoted'", back.Header.GetString("OBJECT"));
        Assert.Equal("a string with quotes", back.Header.Find("OBJECT")!.Comment);
        Assert.Equal(30.5, back.Header.GetDouble("EXPTIME"));
        Assert.Equal(3L, back.Header.GetLong("NCOMBINE"));
        Assert.True(back.Header.GetBool("FLAG"));
        Assert.Contains(back.Header.Cards, c => c.Keyword == "HISTORY" && c.Comment == "written by the round-trip test");
    }

    /// <summary>Data is read in 1 MB blocks in parallel: images of several blocks, the last one partial, for every BITPIX.</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(-32)]
    [InlineData(-64)]
    public void Images_of_several_read_blocks_round_trip_exactly(int bitpix)
    {
        using var dir = new TempDir();
        int[] axes = [1237, 913];
        var random = new Random(bitpix + 7);
        var physical = new double[axes[0] * axes[1]];
        for (var k = 0; k < physical.Length; k++)
        {
            physical[k] = bitpix == 8 ? random.Next(256) : random.Next(-30000, 30000) + (bitpix < 0 ? 0.25 : 0);
        }

        var path = dir.File("blocks.fits");
        FitsFile.Write(path, [new FitsHdu(new FitsHeader(), FitsImage.FromPhysical(physical, axes, bitpix, 1.0, 0.0))]);

        var back = FitsFile.ReadHdu(path, 0);

        Assert.Equal(physical, back.Image!.ToDoubles());
    }

    [Fact]
    public void Primary_and_image_extensions_round_trip_with_names_and_an_empty_primary()
    {
        using var dir = new TempDir();
        var path = dir.File("mef.fits");
        var a = new FitsHeader();
        a.Set("EXTNAME", "IMAGE");
        var b = new FitsHeader();
        b.Set("EXTNAME", "MASK");
        FitsFile.Write(path,
        [
            new FitsHdu(new FitsHeader(), null),
            new FitsHdu(a, FitsImage.FromFloats([1.5f, -2f, float.NaN, 4f, 5f, 6f], 3, 2)),
            new FitsHdu(b, new FitsImage(new int[] { 1, 2, 4, 8, 16, 256 }, [3, 2])),
        ]);
        var infos = FitsFile.ReadHeaders(path);
        Assert.Equal(3, infos.Count);
        Assert.False(infos[0].IsImage);
        Assert.Equal("IMAGE", infos[1].Name);
        Assert.Equal("MASK", infos[2].Name);
        var floats = FitsFile.ReadHdu(path, 1).Image!.ToFloats();
        Assert.Equal(1.5f, floats[0]);
        Assert.True(float.IsNaN(floats[2]));
        Assert.Equal(256.0, FitsFile.ReadHdu(path, 2).Image!.ToDoubles()[5]);
    }

    [Fact]
    public void Truncated_data_is_an_error_naming_the_file_and_the_HDU()
    {
        using var dir = new TempDir();
        var path = dir.File("t.fits");
        FitsFile.Write(path, [new FitsHdu(new FitsHeader(), FitsImage.FromFloats(new float[100 * 100], 100, 100))]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(2880 + 1000)]);
        var ex = Assert.Throws<FitsException>(() => FitsFile.ReadHdu(path, 0));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HDU 0", ex.Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, bytes[..1000]);
        Assert.Contains("truncated", Assert.Throws<FitsException>(() => FitsFile.ReadHeaders(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, bytes[..2880]);
        Assert.Contains("truncated", Assert.Throws<FitsException>(() => FitsFile.ReadHdu(path, 0)).Message, StringComparison.Ordinal);
        var noEnd = bytes[..(2 * 2880)];
        Array.Fill(noEnd, (byte)' ', 80 * 5, 2880 - (80 * 5)); // blank out END (the header has 5 cards)
        File.WriteAllBytes(path, noEnd[..2880]);
        Assert.Contains("no END card", Assert.Throws<FitsException>(() => FitsFile.ReadHeaders(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_FITS_empty_and_missing_files_and_unsupported_BITPIX_are_clear_errors()
    {
        using var dir = new TempDir();
        var text = dir.File("a.csv");
        File.WriteAllText(text, "id,x,y\n1,2,3\n");
        Assert.Contains("not a FITS file", Assert.Throws<FitsException>(() => FitsFile.ReadHeaders(text)).Message, StringComparison.Ordinal);
        var empty = dir.File("e.fits");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", Assert.Throws<FitsException>(() => FitsFile.ReadHeaders(empty)).Message, StringComparison.Ordinal);
        Assert.Contains("no such file", Assert.Throws<FitsException>(() => FitsFile.ReadHeaders(dir.File("none.fits"))).Message, StringComparison.Ordinal);
        var odd = dir.File("odd.fits");
        var header = "SIMPLE  =                    T".PadRight(80) + "BITPIX  =                   24".PadRight(80) + "NAXIS   =                    0".PadRight(80) + "END".PadRight(80);
        File.WriteAllText(odd, header.PadRight(2880));
        var ex = Assert.Throws<FitsException>(() => FitsFile.ReadHeaders(odd));
        Assert.Contains("BITPIX = 24", ex.Message, StringComparison.Ordinal);
        Assert.Contains(odd, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-32", "2E9", "2E9", "NAXIS1 = 2000000000, NAXIS2 = 2000000000")]
    [InlineData("-32", "2E9", "10", "NAXIS1 = 2000000000, NAXIS2 = 10")]
    [InlineData("-64", "2000000000", "1", "NAXIS1 = 2000000000, NAXIS2 = 1")]
    [InlineData("8", "2147483647", "2147483647", "NAXIS1 = 2147483647, NAXIS2 = 2147483647")]
    [InlineData("-32", "100", "-5", "NAXIS2 = -5")]
    public void An_absurd_image_size_is_one_line_naming_the_file_and_the_keywords(string bitpix, string naxis1, string naxis2, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File("huge.fits");
        var header = string.Concat(
            new[] { "SIMPLE  =                    T", $"BITPIX  = {bitpix,20}", "NAXIS   =                    2", $"NAXIS1  = {naxis1,20}", $"NAXIS2  = {naxis2,20}", "END" }
                .Select(card => card.PadRight(80)));
        File.WriteAllText(path, header.PadRight(2880) + new string('\0', 2880));

        foreach (var read in new Action[] { () => FitsFile.ReadHdu(path, 0), () => ExposureFits.Read(path) })
        {
            var ex = Assert.Throws<FitsException>(read);
            Assert.StartsWith(path + ":", ex.Message, StringComparison.Ordinal);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.Message);
        }
    }

    [Fact]
    public void A_failed_write_leaves_no_file_behind()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.fits");
        var header = new FitsHeader();
        header.Set("LONG", new string('x', 80));
        Assert.Throws<ArgumentException>(() => FitsFile.Write(path, [new FitsHdu(header, null)]));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [OracleFact]
    public void Files_written_by_astropy_read_exactly_for_every_BITPIX()
    {
        using var dir = new TempDir();
        Oracle.Python("""
            import sys, os, numpy as np
            from astropy.io import fits
            d = sys.argv[1]
            rng = np.random.default_rng(3)
            cases = {'u8': np.arange(60, dtype=np.uint8), 'i16': rng.integers(-32768, 32767, 60).astype(np.int16),
                     'u16': rng.integers(0, 65535, 60).astype(np.uint16), 'i32': rng.integers(-2**31, 2**31 - 1, 60).astype(np.int32),
                     'i64': rng.integers(-2**62, 2**62, 60).astype(np.int64), 'f32': rng.normal(0, 1e3, 60).astype(np.float32),
                     'f64': rng.normal(0, 1e10, 60)}
            for name, a in cases.items():
                fits.PrimaryHDU(a.reshape(6, 10)).writeto(os.path.join(d, name + '.fits'))
                np.asarray(a, dtype='<f8').tofile(os.path.join(d, name + '.bin'))
            h = fits.ImageHDU(rng.integers(0, 1000, 60).astype(np.int16).reshape(6, 10), name='SCALED')
            h.header['BSCALE'] = 0.5; h.header['BZERO'] = 10.0
            fits.HDUList([fits.PrimaryHDU(), h]).writeto(os.path.join(d, 'scaled.fits'))
            fits.open(os.path.join(d, 'scaled.fits'))[1].data.astype('<f8').tofile(os.path.join(d, 'scaled.bin'))
            """, dir.Path);
        foreach (var name in new[] { "u8", "i16", "u16", "i32", "f32", "f64" })
        {
            var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File(name + ".bin"))).ToArray();
            var image = FitsFile.ReadHdu(dir.File(name + ".fits"), 0).Image!;
            Assert.Equal([10, 6], image.Axes);
            Assert.Equal(expected, image.ToDoubles());
        }

        var i64 = (long[])FitsFile.ReadHdu(dir.File("i64.fits"), 0).Image!.Raw;
        var i64Expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File("i64.bin"))).ToArray();
        Assert.Equal(i64Expected.Select(v => (double)v), i64.Select(v => (double)v));
        var scaled = FitsFile.ReadAll(dir.File("scaled.fits"));
        Assert.Equal("SCALED", scaled[1].Name);
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(dir.File("scaled.bin"))).ToArray(), scaled[1].Image!.ToDoubles());
    }

    [FitsverifyFact]
    public void Files_we_write_pass_fitsverify_and_read_in_astropy()
    {
        using var dir = new TempDir();
        var exposure = new Exposure(16, 8, Enumerable.Range(0, 128).Select(i => i * 0.5f).ToArray(),
            Enumerable.Repeat(2f, 128).ToArray(), Enumerable.Range(0, 128).Select(i => i % 3).ToArray())
        {
            Wcs = WcsTests.SipWcs(),
            PhotoCalib = PhotoCalib.FromZeroPoint(27.0),
        };
        exposure.Metadata.Set("OBJECT", "field 1");
        exposure.Metadata.Set("EXPTIME", 30.0);
        var path = dir.File("exposure.fits");
        ExposureFits.Write(path, exposure);
        var scaled = dir.File("scaled.fits");
        FitsFile.Write(scaled, [new FitsHdu(new FitsHeader(), FitsImage.FromPhysical(Enumerable.Range(0, 20).Select(i => i * 0.25).ToArray(), [5, 4], 16, 0.25, -8000))]);
        foreach (var file in new[] { path, scaled })
        {
            var (code, stdout, stderr) = Oracle.Fitsverify(file);
            Assert.True(code == 0 && !stdout.Contains("error", StringComparison.OrdinalIgnoreCase) && !stdout.Contains("warning", StringComparison.OrdinalIgnoreCase), $"fitsverify {file}: {stdout}{stderr}");
        }

        var output = Oracle.Python("""
            import sys, os
            from astropy.io import fits
            d = sys.argv[1]
            with fits.open(os.path.join(d, 'exposure.fits')) as f:
                print(len(f), f[1].name, f[1].data.shape, float(f[1].data[7, 15]), int(f[2].data[0, 2]), float(f[3].data[0, 0]), f[0].header['OBJECT'], f[2].header['MASKB8'])
            with fits.open(os.path.join(d, 'scaled.fits')) as f:
                print(float(f[0].data[3, 4]))
            """, dir.Path);
        Assert.Equal("4 IMAGE (8, 16) 63.5 2 2.0 field 1 NO_DATA\n4.75\n", output);
    }
}
