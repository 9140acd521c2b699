using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>Transients as parallel arrays: position, peak time, rise and decline, per-band peak and host flux.</summary>
internal sealed class TransientSet(int count)
{
    public double[] Ra { get; } = new double[count];

    public double[] Dec { get; } = new double[count];

    public double[] X { get; private set; } = [];

    public double[] Y { get; private set; } = [];

    public double[] Z { get; private set; } = [];

    public double[] Peak { get; } = new double[count];

    public double[] Rise { get; } = new double[count];

    public double[] Decline { get; } = new double[count];

    public double[] PeakFlux { get; } = new double[count * Bands.Count];

    public double[] HostFlux { get; } = new double[count * Bands.Count];

    /// <summary>Rise times before the peak at which the rise profile starts (the flux is zero before).</summary>
    public const double OnsetRises = 1.5;

    public int Count => Ra.Length;

    public void Seal() => (X, Y, Z) = VariableSet.UnitVectors(Ra, Dec);

    /// <summary>Start of the detectable window.</summary>
    public double Begin(int i) => Peak[i] - Rise[i];

    /// <summary>End of the detectable window.</summary>
    public double End(int i) => Peak[i] + Decline[i];

    /// <summary>First time with flux: the rise profile is cut at <see cref="OnsetRises"/> rise times before the peak.</summary>
    public double Onset(int i) => Peak[i] - OnsetRises * Rise[i];

    public bool Active(int i, double mjd) => mjd >= Begin(i) && mjd < End(i);

    public double Flux(int i, int band, double mjd)
    {
        var dt = mjd - Peak[i];
        var peak = PeakFlux[i * Bands.Count + band];
        if (dt < 0)
        {
            var s = dt / (0.5 * Rise[i]);
            return dt < -Rise[i] * OnsetRises ? 0.0 : peak * Math.Exp(-0.5 * s * s);
        }

        return peak * Math.Exp(-2.5 * dt / Decline[i]);
    }
}
