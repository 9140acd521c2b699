namespace Apdb.Association.Tests;

/// <summary>The theory form of <see cref="OracleFactAttribute"/>: skipped without python3 and scipy unless required.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleTheoryAttribute : TheoryAttribute
{
    public OracleTheoryAttribute()
    {
        if (!ScipyPeer.IsAvailable && Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") != "1")
        {
            Skip = "python3 with scipy is not installed (apt-get install python3-scipy); set APDB_REQUIRE_ORACLES=1 to require it";
        }
    }
}
