namespace Apdb.Embedded;

/// <summary>Settings of the embedded cluster.</summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>The directory that holds the cluster, its secret and its port; <see cref="EmbeddedPostgres.DefaultHome"/> by default.</summary>
    public string Home { get; init; } = EmbeddedPostgres.DefaultHome();

    /// <summary>The database the APDB lives in.</summary>
    public string Database { get; init; } = "apdb";

    /// <summary>PostgreSQL <c>shared_buffers</c>. Sized for a 24 GB machine running the pipeline beside the server.</summary>
    public string SharedBuffers { get; init; } = "2GB";

    /// <summary>PostgreSQL <c>maintenance_work_mem</c> (index builds after a bulk load).</summary>
    public string MaintenanceWorkMem { get; init; } = "1GB";

    /// <summary>PostgreSQL <c>max_connections</c>: room for many detector workers at once.</summary>
    public int MaxConnections { get; init; } = 250;
}
