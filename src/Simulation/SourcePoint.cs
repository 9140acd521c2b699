using System.Runtime.InteropServices;

namespace Apdb.Simulation;

/// <summary>What a DiaObject summary needs of one DiaSource.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct SourcePoint(
    double Mjd, int Band, double PsfFlux, double PsfFluxErr, double ScienceFlux, double ScienceFluxErr,
    double X, double Y, double Z, double RaErr, double DecErr, double RaDecCov);
