namespace Apdb.Serve.Web;

/// <summary>One photometric point of a light curve: a DiaSource (detected) or a DiaForcedSource, in nJy.</summary>
public readonly record struct LightCurvePoint(double Mjd, double Flux, double FluxErr, bool Forced);
