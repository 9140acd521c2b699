namespace Apdb.Serve.Adql;

/// <summary>The PostgreSQL for an ADQL query and what its output columns are.</summary>
/// <param name="Sql">One SELECT statement; identifiers quoted and validated, literals escaped, row count limited.</param>
/// <param name="Fields">The output columns in order.</param>
/// <param name="Top">The query's own TOP, when it has one.</param>
/// <param name="ConeTables">How many tables are read through the pixelId index for a cone (CONTAINS or DISTANCE).</param>
public sealed record TranslatedQuery(string Sql, IReadOnlyList<ResultField> Fields, long? Top, int ConeTables);
