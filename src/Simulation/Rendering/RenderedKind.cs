namespace Apdb.Simulation.Rendering;

/// <summary>Kinds of rendered sources.</summary>
public enum RenderedKind
{
    /// <summary>A static star (in the reference catalog).</summary>
    Star,

    /// <summary>A variable source of the DIA truth.</summary>
    Variable,

    /// <summary>A transient of the DIA truth (absent from the template).</summary>
    Transient,

    /// <summary>A transient's host galaxy (extended; in both images).</summary>
    Host,

    /// <summary>A moving object (science image only).</summary>
    Moving,

    /// <summary>A point source injected into the science image only (<see cref="RenderOptions.Injections"/>).</summary>
    Injected,
}
