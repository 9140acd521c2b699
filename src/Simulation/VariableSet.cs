using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>Variable sources as parallel arrays (position, unit vector, per-band mean flux and amplitude).</summary>
internal sealed class VariableSet
{
    private readonly List<double> _ra = [];
    private readonly List<double> _dec = [];
    private readonly List<double> _mean = [];
    private readonly List<double> _amp = [];
    private readonly List<double> _period = [];
    private readonly List<double> _phase = [];

    public double[] Ra { get; private set; } = [];

    public double[] Dec { get; private set; } = [];

    public double[] X { get; private set; } = [];

    public double[] Y { get; private set; } = [];

    public double[] Z { get; private set; } = [];

    public double[] MeanFlux { get; private set; } = [];

    public double[] Amplitude { get; private set; } = [];

    public double[] Period { get; private set; } = [];

    public double[] Phase { get; private set; } = [];

    public int Count => Ra.Length;

    public void Add(double ra, double dec, double[] mean, double[] amp, double period, double phase)
    {
        _ra.Add(ra);
        _dec.Add(dec);
        _mean.AddRange(mean);
        _amp.AddRange(amp);
        _period.Add(period);
        _phase.Add(phase);
    }

    public void Seal()
    {
        Ra = [.. _ra];
        Dec = [.. _dec];
        MeanFlux = [.. _mean];
        Amplitude = [.. _amp];
        Period = [.. _period];
        Phase = [.. _phase];
        (X, Y, Z) = UnitVectors(Ra, Dec);
    }

    public double Flux(int i, int band, double mjd)
    {
        var k = i * Bands.Count + band;
        return MeanFlux[k] * Math.Pow(10.0, -0.4 * Amplitude[k] * Math.Sin(2 * Math.PI * mjd / Period[i] + Phase[i]));
    }

    internal static (double[] X, double[] Y, double[] Z) UnitVectors(double[] ra, double[] dec)
    {
        var x = new double[ra.Length];
        var y = new double[ra.Length];
        var z = new double[ra.Length];
        for (var i = 0; i < ra.Length; i++)
        {
            var v = Apdb.Sky.UnitVector.FromRaDec(ra[i], dec[i]);
            (x[i], y[i], z[i]) = (v.X, v.Y, v.Z);
        }

        return (x, y, z);
    }
}
