using System.CommandLine;
using Apdb.Cli.Commands;

namespace Apdb.Cli;

/// <summary>The <c>apdb</c> command: composition root.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C cancels the command, which then exits 130 having written nothing more; a second one
            // ends the process at once, for a command stuck where it cannot see the token.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };
        return await InvokeAsync(args, new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellation.Token);
    }

    /// <summary>Parses and runs one command line; a line that does not parse is one error line (<see cref="ParseErrors"/>).</summary>
    internal static async Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            return ParseErrors.Report(parse);
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "apdb: a PostgreSQL APDB (Rubin's Alert Production DataBase) with association and forced-photometry engines.\n" +
            "With no --db, commands use an embedded PostgreSQL cluster started on demand.");
        root.Options.Add(GlobalOptions.Db);
        root.Options.Add(GlobalOptions.Json);
        DatabaseCommands.AddTo(root);
        HealpixCommands.AddTo(root);
        LoadHistoryCommand.AddTo(root);
        AssociateCommand.AddTo(root);
        BenchCommands.AddTo(root);
        ForcedPhotCommand.AddTo(root);
        SimulateCommand.AddTo(root);
        SubtractCommand.AddTo(root);
        DetectCommand.AddTo(root);
        RunCommand.AddTo(root);
        DemoCommand.AddTo(root);
        AlertsCommand.AddTo(root);
        ServeCommand.AddTo(root);
        PlotCommand.AddTo(root);
        MaintainCommand.AddTo(root);
        return root;
    }
}
