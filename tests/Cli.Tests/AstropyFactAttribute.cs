using Apdb.TestSupport;

namespace Apdb.Cli.Tests;

/// <summary>
/// A fact that needs python3 with astropy and pandas (Debian's python3-astropy, python3-pandas): skipped with a message
/// when they are missing, unless <c>APDB_REQUIRE_ORACLES=1</c> (CI), in which case the test runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AstropyFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Interpreter = new(() => PythonInterpreter.Find("astropy, pandas, numpy"));

    public AstropyFactAttribute()
    {
        if (Interpreter.Value is null && Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") != "1")
        {
            Skip = "python3 with astropy and pandas is not installed (apt-get install python3-astropy python3-pandas); set APDB_REQUIRE_ORACLES=1 to require it";
        }
    }

    /// <summary>The interpreter, or python3 (which then fails the test) when none has the modules.</summary>
    public static string Python => Interpreter.Value ?? "python3";
}
