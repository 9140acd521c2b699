using System.Diagnostics;
using System.Text.Json;
using Apdb.Cli.Tables;
using Parquet;

namespace Apdb.Cli.Tests;

/// <summary>
/// The one table writer: every format keeps names, values, types and units; astropy (ECSV, FITS, VOTable) and pandas
/// (CSV) read them back, and hyparquet (node) the Parquet. Oracle parts skip without python3-astropy and python3-pandas,
/// or node and hyparquet, unless APDB_REQUIRE_ORACLES=1.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class TableFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-tables-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static OutputTable Sample() => new OutputTable()
        .Add("id", new long[] { 6635916494829207552, 2, -3 }, description: "an id near 2^63")
        .Add("objectId", new long?[] { 7, null, 9 }, description: "null when unmatched")
        .Add("n", new[] { 1, 2, 3 })
        .Add("psfFlux", new[] { 1.5, double.NaN, -2.25e-7 }, "nJy", "flux, with a quote ' in its description")
        .Add("x", new[] { 0.5f, 1.25f, 4096f }, "pixel")
        .Add("isDipole", new[] { true, false, true }, description: "a boolean")
        .Add("band", new[] { "r", "g", "a,b \"q\"" });

    [Fact]
    public async Task An_unknown_extension_is_refused_before_anything_is_written()
    {
        var outPath = Path.Combine(_dir, "fluxes.txt");
        var (code, stdout, stderr) = await CliRunner.RunAsync("forced-phot", "--image", Path.Combine(_dir, "missing.fits"), "--positions", Path.Combine(_dir, "p.csv"), "--out", outPath);
        Assert.Equal(1, code);
        Assert.Contains("unknown extension '.txt'", stderr, StringComparison.Ordinal);
        Assert.Contains(".parquet", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, stdout);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Parquet_holds_the_columns_with_their_types_nulls_and_the_units_metadata()
    {
        var path = Path.Combine(_dir, "t.parquet");
        TableFile.Write(path, Sample());
        await using var reader = await ParquetReader.CreateAsync(path);
        Assert.Equal(["id", "objectId", "n", "psfFlux", "x", "isDipole", "band"], reader.Schema.DataFields.Select(f => f.Name));
        using var group = reader.OpenRowGroupReader(0);
        var fields = reader.Schema.DataFields;
        var ids = new long[3];
        await group.ReadAsync<long>(fields[0], ids.AsMemory(), null);
        Assert.Equal(new long[] { 6635916494829207552, 2, -3 }, ids);
        var objects = new long?[3];
        await group.ReadAsync<long>(fields[1], objects.AsMemory(), null);
        Assert.Equal(new long?[] { 7, null, 9 }, objects);
        var dipole = new bool[3];
        await group.ReadAsync<bool>(fields[5], dipole.AsMemory(), null);
        Assert.Equal(new[] { true, false, true }, dipole);
        Assert.Contains("unit: 'nJy'", reader.CustomMetadata["table_meta_yaml"], StringComparison.Ordinal);
    }

    [AstropyFact]
    public void Astropy_and_pandas_read_every_format_back_with_units_and_booleans()
    {
        var python = AstropyFactAttribute.Python;
        foreach (var extension in new[] { "csv", "ecsv", "fits", "vot", "xml" })
        {
            TableFile.Write(Path.Combine(_dir, "t." + extension), Sample());
        }

        using var result = JsonDocument.Parse(RunPython(python, Script, _dir));
        foreach (var format in new[] { "ecsv", "fits", "vot", "xml" })
        {
            var t = result.RootElement.GetProperty(format);
            Assert.Equal("nJy", t.GetProperty("psfFlux").GetProperty("unit").GetString());
            Assert.Equal("pix", t.GetProperty("x").GetProperty("unit").GetString());
            Assert.Equal("b", t.GetProperty("isDipole").GetProperty("kind").GetString());
            Assert.Equal("[true,false,true]", t.GetProperty("isDipole").GetProperty("values").GetRawText());
            Assert.Equal("6635916494829207552", t.GetProperty("id").GetProperty("values")[0].GetRawText());
            Assert.Equal("[7,null,9]", t.GetProperty("objectId").GetProperty("values").GetRawText());
            Assert.Equal("[1.5,null,-2.25e-07]", t.GetProperty("psfFlux").GetProperty("values").GetRawText());
            Assert.Equal("a,b \"q\"", t.GetProperty("band").GetProperty("values")[2].GetString());
        }

        var csv = result.RootElement.GetProperty("csv");
        Assert.Equal("b", csv.GetProperty("isDipole").GetProperty("kind").GetString());
        Assert.Equal("i", csv.GetProperty("id").GetProperty("kind").GetString());
        Assert.Equal("6635916494829207552", csv.GetProperty("id").GetProperty("values")[0].GetRawText());
    }

    [HyparquetFact]
    public void Hyparquet_reads_the_Parquet_back_with_values_nulls_and_the_units()
    {
        var path = Path.Combine(_dir, "t.parquet");
        TableFile.Write(path, Sample());
        var script = Path.Combine(_dir, "read.mjs");
        File.WriteAllText(script, HyparquetScript);
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { script, HyparquetFactAttribute.ModuleDirectory, path })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        using var json = JsonDocument.Parse(stdout.Result);
        var root = json.RootElement;
        Assert.Equal(["id", "objectId", "n", "psfFlux", "x", "isDipole", "band"], root.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("OPTIONAL", root.GetProperty("columns")[1].GetProperty("repetition").GetString());
        var rows = root.GetProperty("rows");
        Assert.Equal(3, rows.GetArrayLength());

        // INT64 comes back as a JavaScript BigInt (printed as text), so 2^63-near ids keep every digit.
        Assert.Equal(["6635916494829207552", "2", "-3"], rows.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(["7", null, "9"], rows.EnumerateArray().Select(r => r.GetProperty("objectId").ValueKind == JsonValueKind.Null ? null : r.GetProperty("objectId").GetString()));
        Assert.Equal([1, 2, 3], rows.EnumerateArray().Select(r => r.GetProperty("n").GetInt32()));
        Assert.Equal(1.5, rows[0].GetProperty("psfFlux").GetDouble());
        Assert.Equal("NaN", rows[1].GetProperty("psfFlux").GetString());
        Assert.Equal(-2.25e-7, rows[2].GetProperty("psfFlux").GetDouble());
        Assert.Equal([0.5f, 1.25f, 4096f], rows.EnumerateArray().Select(r => r.GetProperty("x").GetSingle()));
        Assert.Equal([true, false, true], rows.EnumerateArray().Select(r => r.GetProperty("isDipole").GetBoolean()));
        Assert.Equal(["r", "g", "a,b \"q\""], rows.EnumerateArray().Select(r => r.GetProperty("band").GetString()));

        // The units travel in the key-value metadata astropy reads (table_meta_yaml), read here by the other reader.
        var yaml = root.GetProperty("keyValue").GetProperty("table_meta_yaml").GetString()!;
        var units = UnitPattern().Matches(yaml).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["unit"].Success ? m.Groups["unit"].Value : null);
        Assert.Equal(7, units.Count);
        Assert.Equal("nJy", units["psfFlux"]);
        Assert.Equal("pixel", units["x"]);
        Assert.Null(units["id"]);
    }

    /// <summary>Reads a Parquet file with hyparquet and prints its schema, rows and key-value metadata as JSON.</summary>
    private const string HyparquetScript = """
        import { pathToFileURL } from 'node:url'
        const [, , moduleDir, path] = process.argv
        const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import(pathToFileURL(`${moduleDir}/src/node.js`).href)
        const file = await asyncBufferFromFile(path)
        const metadata = await parquetMetadataAsync(file)
        const rows = await parquetReadObjects({ file })
        const keyValue = Object.fromEntries((metadata.key_value_metadata ?? []).map(e => [e.key, e.value]))
        const columns = metadata.schema.slice(1).map(s => ({ name: s.name, type: s.type, repetition: s.repetition_type }))
        console.log(JSON.stringify({ rows, keyValue, columns },
          (k, v) => typeof v === 'bigint' ? v.toString() : (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)))
        """;

    [System.Text.RegularExpressions.GeneratedRegex(@"name: '(?<name>[^']+)', datatype: \w+(, unit: '(?<unit>[^']*)')?")]
    private static partial System.Text.RegularExpressions.Regex UnitPattern();

    /// <summary>Reads each file (astropy for ECSV, FITS and VOTable; pandas for CSV) and prints unit, dtype kind and values.</summary>
    private const string Script = """
        import json, math, sys, warnings
        import numpy as np, pandas
        from astropy.table import Table
        warnings.simplefilter("ignore")
        d = sys.argv[1]
        def value(v):
            if v is np.ma.masked: return None
            v = v.item() if hasattr(v, "item") else v
            if isinstance(v, bytes): v = v.decode()
            if isinstance(v, float) and math.isnan(v): return None
            return v.strip() if isinstance(v, str) else v
        out = {}
        for fmt in ["ecsv", "fits", "vot", "xml"]:
            t = Table.read(f"{d}/t.{fmt}", format="votable" if fmt == "xml" else None)
            cols = {}
            for name in t.colnames:
                c = t[name]
                null = c.info.meta.get("null") if hasattr(c.info, "meta") else None
                vals = [value(v) for v in (c if not hasattr(c, "mask") else c.filled(np.nan) if c.dtype.kind == "f" else c)]
                if name == "objectId":
                    vals = [None if (v is None or v == -9223372036854775808) else v for v in vals]
                cols[name] = {"unit": None if c.unit is None else c.unit.to_string(), "kind": c.dtype.kind, "values": vals}
            out[fmt] = cols
        df = pandas.read_csv(f"{d}/t.csv")
        out["csv"] = {n: {"kind": df[n].dtype.kind, "values": [value(v) for v in df[n]]} for n in df.columns}
        print(json.dumps(out, separators=(",", ":")))
        """;

    /// <summary>Runs an oracle script with <paramref name="python"/> (the directory as its argument) and returns its stdout; a failure fails the test.</summary>
    internal static string RunPython(string python, string script, string dir)
    {
        var path = Path.Combine(dir, "oracle.py");
        File.WriteAllText(path, script);
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(dir);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        return stdout.Result;
    }
}
