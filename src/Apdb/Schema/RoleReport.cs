namespace Apdb.Schema;

/// <summary>What <see cref="SchemaMigrator.MigrateAsync"/> did about the APDB's roles.</summary>
/// <param name="Created">Roles this call created.</param>
/// <param name="Granted">Whether the owner, writer and reader rights are in place (false when they were skipped).</param>
/// <param name="Skipped">Why roles or rights were skipped, or null.</param>
public sealed record RoleReport(IReadOnlyList<string> Created, bool Granted, string? Skipped);
