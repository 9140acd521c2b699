// Shared by the throwaway probes of this folder (each csproj compiles it): the usings, and a loaded fov APDB opened
// from its APDB_HOME (port and secret files) with the first new visit of its survey.
global using System.Diagnostics;
global using Apdb;
global using Apdb.Pipeline;
global using Apdb.Pipeline.DiaPipe;
global using Apdb.Records;
global using Npgsql;

internal static class Probe
{
    public static string ConnectionString(string home) =>
        $"Host=127.0.0.1;Port={File.ReadAllText(home + "/port").Trim()};Username=apdb;Password={File.ReadAllText(home + "/secret").Trim()};Database=apdb;Read Buffer Size=65536";

    public static async Task<(NpgsqlDataSource DataSource, LoadedSurvey Survey, DiaPipeline Pipeline, Apdb.Simulation.Visit Visit)> OpenAsync(string home)
    {
        var dataSource = NpgsqlDataSource.Create(ConnectionString(home));
        var survey = await LoadedSurvey.ReadAsync(dataSource);
        return (dataSource, survey, new DiaPipeline(new ApdbStore(dataSource)), survey.NewVisits.First());
    }
}
