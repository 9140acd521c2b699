namespace Apdb.Serve.Adql;

/// <summary>A value expression or search condition of an ADQL query; <see cref="Position"/> is its offset in the query.</summary>
public abstract record AdqlExpression(int Position);
