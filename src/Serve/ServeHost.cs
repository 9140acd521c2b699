using Apdb.Serve.Catalog;
using Apdb.Serve.Tap;
using Apdb.Serve.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Apdb.Serve;

/// <summary>The running service: TAP under /tap and the web page at /, on one Kestrel listener.</summary>
public sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly UwsJobStore _jobs;
    private readonly NpgsqlDataSource _dataSource;

    private ServeHost(WebApplication app, UwsJobStore jobs, NpgsqlDataSource dataSource, Uri address)
    {
        _app = app;
        _jobs = jobs;
        _dataSource = dataSource;
        Address = address;
    }

    /// <summary>The address the service answers on (the bound port when 0 was asked).</summary>
    public Uri Address { get; }

    /// <summary>Starts listening; queries run through <paramref name="connectionString"/>, whose login should only be able to read.</summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="ServeOptions.Validate"/>).</exception>
    public static async Task<ServeHost> StartAsync(string connectionString, ServeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        var bind = options.Validate();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(bind, options.Port));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();

        // Every query's settings are transaction-local (SET LOCAL), so a pooled connection carries nothing from one
        // request to the next; skipping the reset on return keeps each session's compiled PL/pgSQL plans (the cone
        // coverage function's), which the reset would discard before every request.
        var dataSource = ApdbConnector.CreateDataSource(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString);
        var runner = new TapQueryRunner(dataSource, TapCatalog.Default, options);
        var jobs = new UwsJobStore(runner, TimeProvider.System);
        TapEndpoints.Map(app, runner, jobs);
        WebPages.Map(app, runner);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            await jobs.DisposeAsync();
            await dataSource.DisposeAsync();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServeHost(app, jobs, dataSource, new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Cancelled when the host begins to stop (SIGTERM, or disposal).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _jobs.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
