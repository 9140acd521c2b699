using Apdb.Imaging;
using BenchmarkDotNet.Attributes;

namespace Apdb.ForcedPhot.Benchmarks;

/// <summary>
/// Per-call forced-photometry time against the number of targets K on one fixed 4096^2 exposure (image read,
/// background and PSF estimation excluded: those are per-image costs), with the pixelized PSF the CLI estimates and
/// blend fits on, as DiaPipe calls it once per visit. Each call includes its per-call fixed costs (the batch's
/// sub-pixel stamp grid, blend grouping, sort). The log-log slope of Mean against K is the scaling exponent.
/// </summary>
[MemoryDiagnoser]
public class PsfAmplitudeFitterScalingBenchmarks
{
    private const int Size = 4096;
    private Exposure _exposure = null!;
    private double[] _x = [];
    private double[] _y = [];
    private PsfAmplitudeFitter _fitter = null!;

    /// <summary>Targets per call.</summary>
    [Params(100, 1_000, 10_000, 100_000)]
    public int Targets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        var image = new float[Size * Size];
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)(random.NextDouble() - 0.5) * 40f;
        }

        var variance = Enumerable.Repeat(133f, Size * Size).ToArray();
        var model = new float[31 * 31];
        new GaussianPsf(3.5).ComputeStamp(0, 0, 15, model);
        _exposure = new Exposure(Size, Size, image, variance) { Psf = new PixelizedPsf(model, 15, 3.5) };
        _x = Enumerable.Range(0, Targets).Select(_ => 20 + (random.NextDouble() * (Size - 40))).ToArray();
        _y = Enumerable.Range(0, Targets).Select(_ => 20 + (random.NextDouble() * (Size - 40))).ToArray();
        _fitter = new PsfAmplitudeFitter();
    }

    [Benchmark]
    public ForcedMeasurement[] Measure() => _fitter.Measure(_exposure, _x, _y);
}
