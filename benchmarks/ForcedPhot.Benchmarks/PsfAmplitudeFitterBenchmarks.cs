using Apdb.Imaging;
using BenchmarkDotNet.Attributes;

namespace Apdb.ForcedPhot.Benchmarks;

/// <summary>
/// PSF fits per second with 21x21 stamps on a 4096^2 exposure: one core (the baseline, Rubin's one-at-a-time shape
/// but batched), all cores (Parallel.For over position chunks), with joint blend fits on, with a pixelized PSF, and on
/// a 512^2 exposure whose planes stay in cache (the kernel's own rate). Results are per fit
/// (OperationsPerInvoke = number of positions), so fits/s = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class PsfAmplitudeFitterBenchmarks
{
    private const int Size = 4096;
    private const int Positions = 20_000;
    private Exposure _exposure = null!;
    private double[] _x = [];
    private double[] _y = [];
    private PsfAmplitudeFitter _oneCore = null!;
    private PsfAmplitudeFitter _allCores = null!;
    private PsfAmplitudeFitter _withBlends = null!;
    private Exposure _pixelized = null!;
    private Exposure _cached = null!;
    private double[] _cachedX = [];
    private double[] _cachedY = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var image = new float[Size * Size];
        for (var k = 0; k < image.Length; k++)
        {
            image[k] = (float)(random.NextDouble() - 0.5) * 40f;
        }

        var variance = Enumerable.Repeat(133f, Size * Size).ToArray();
        _exposure = new Exposure(Size, Size, image, variance) { Psf = new GaussianPsf(4.0) };
        _x = Enumerable.Range(0, Positions).Select(_ => 20 + (random.NextDouble() * (Size - 40))).ToArray();
        _y = Enumerable.Range(0, Positions).Select(_ => 20 + (random.NextDouble() * (Size - 40))).ToArray();
        var isolated = new ForcedPhotOptions { StampHalfWidth = 10, BlendRadiusFwhm = 0 };
        _oneCore = new PsfAmplitudeFitter(isolated with { MaxDegreeOfParallelism = 1 });
        _allCores = new PsfAmplitudeFitter(isolated);
        _withBlends = new PsfAmplitudeFitter(isolated with { BlendRadiusFwhm = 2 });

        // The same planes with a pixelized PSF (what `apdb forced-phot` estimates): not separable, so the batch keeps
        // full stamps for 33 x 33 sub-pixel phases.
        var model = new float[31 * 31];
        new GaussianPsf(4.0).ComputeStamp(0, 0, 15, model);
        _pixelized = new Exposure(Size, Size, image, variance) { Psf = new PixelizedPsf(model, 15, 4.0) };

        // The kernel's own rate: the same fits on a 512^2 exposure whose three planes (3 MB) stay in cache, so no stamp
        // row waits on DRAM. On the 4096^2 planes (192 MB) random stamps are memory-bound.
        const int Small = 512;
        _cached = new Exposure(Small, Small, image[..(Small * Small)], variance[..(Small * Small)]) { Psf = new GaussianPsf(4.0) };
        _cachedX = Enumerable.Range(0, Positions).Select(_ => 20 + (random.NextDouble() * (Small - 40))).ToArray();
        _cachedY = Enumerable.Range(0, Positions).Select(_ => 20 + (random.NextDouble() * (Small - 40))).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Positions)]
    public ForcedMeasurement[] OneCore() => _oneCore.Measure(_exposure, _x, _y);

    [Benchmark(OperationsPerInvoke = Positions)]
    public ForcedMeasurement[] AllCores() => _allCores.Measure(_exposure, _x, _y);

    [Benchmark(OperationsPerInvoke = Positions)]
    public ForcedMeasurement[] AllCoresWithBlendFits() => _withBlends.Measure(_exposure, _x, _y);

    [Benchmark(OperationsPerInvoke = Positions)]
    public ForcedMeasurement[] AllCoresPixelizedPsf() => _allCores.Measure(_pixelized, _x, _y);

    [Benchmark(OperationsPerInvoke = Positions)]
    public ForcedMeasurement[] OneCorePlanesInCache() => _oneCore.Measure(_cached, _cachedX, _cachedY);

    [Benchmark(OperationsPerInvoke = Positions)]
    public ForcedMeasurement[] AllCoresPlanesInCache() => _allCores.Measure(_cached, _cachedX, _cachedY);
}
