namespace Apdb.Records;

/// <summary>One column of an APDB table as the generated column maps (<see cref="DiaSourceColumns"/> and friends) list it.</summary>
/// <param name="Name">The column name, as in Rubin's schema.</param>
/// <param name="PostgresType">The PostgreSQL type of the column.</param>
/// <param name="Nullable">Whether the column admits NULL.</param>
/// <param name="Property">The record property that holds the column.</param>
public sealed record ApdbColumn(string Name, string PostgresType, bool Nullable, string Property);
