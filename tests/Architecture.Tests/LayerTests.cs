using System.Xml.Linq;

namespace Apdb.Architecture.Tests;

/// <summary>
/// The projects under <c>src/</c> form layers; a project may reference only projects in lower layers. The table is the
/// design (README, "Layout"); the tests read every project file, so a new reference upwards, a new project without a
/// layer, or a folder whose assembly or namespace is named differently fails here.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Each project's layer: 0 is the bottom. A reference must point to a strictly lower layer.</summary>
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["Sky"] = 0,
        ["Imaging"] = 1,
        ["Apdb"] = 2,
        ["Simulation"] = 2,
        ["Association"] = 2,
        ["ForcedPhot"] = 2,
        ["Apdb.Sharded"] = 3,
        ["History"] = 3,
        ["Association.Sql"] = 3,
        ["Frontend"] = 3,
        ["Alerts"] = 3,
        ["Pipeline"] = 4,
        ["Serve"] = 5,
        ["Cli"] = 6,
    };

    /// <summary>Packages that would let a layer reach the database: only these projects may use them directly.</summary>
    private static readonly string[] DatabaseProjects = ["Apdb", "Apdb.Sharded", "History", "Association.Sql", "Pipeline", "Serve", "Cli"];

    [Fact]
    public void Every_project_in_src_has_a_layer()
    {
        var unknown = SourceProjects().Select(p => p.Name).Where(n => !Layers.ContainsKey(n)).ToList();
        Assert.True(unknown.Count == 0, $"projects without a layer in LayerTests: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void No_project_references_its_own_layer_or_a_higher_one()
    {
        var violations = new List<string>();
        foreach (var project in SourceProjects())
        {
            if (!Layers.TryGetValue(project.Name, out var layer))
            {
                continue;
            }

            foreach (var reference in project.References)
            {
                if (!Layers.TryGetValue(reference, out var referenced) || referenced >= layer)
                {
                    violations.Add($"{project.Name} (layer {layer}) -> {reference} (layer {(Layers.TryGetValue(reference, out var r) ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")})");
                }
            }
        }

        Assert.True(violations.Count == 0, "references that do not point down: " + string.Join("; ", violations));
    }

    [Fact]
    public void The_in_memory_layers_do_not_reach_the_database()
    {
        var violations = SourceProjects()
            .Where(p => !DatabaseProjects.Contains(p.Name))
            .Where(p => p.Packages.Any(k => k.StartsWith("Npgsql", StringComparison.Ordinal) || k == "Dapper"))
            .Select(p => p.Name)
            .ToList();
        Assert.True(violations.Count == 0, $"projects outside the database layers that use Npgsql or Dapper: {string.Join(", ", violations)}");
    }

    [Fact]
    public void Folder_assembly_and_namespace_carry_the_same_name()
    {
        var mismatches = new List<string>();
        foreach (var project in SourceProjects())
        {
            // The database core is the root namespace Apdb (and Apdb.Sharded beside it); every other project is Apdb.<Folder>.
            var expected = project.Name == "Apdb" || project.Name.StartsWith("Apdb.", StringComparison.Ordinal) ? project.Name : "Apdb." + project.Name;
            if (project.AssemblyName != expected)
            {
                mismatches.Add($"{project.Name}: assembly {project.AssemblyName}, expected {expected}");
            }

            if (project.RootNamespace != expected)
            {
                mismatches.Add($"{project.Name}: root namespace {project.RootNamespace}, expected {expected}");
            }

            foreach (var file in Directory.EnumerateFiles(project.Directory, "*.cs", SearchOption.AllDirectories))
            {
                if (IsBuildOutput(file))
                {
                    continue;
                }

                var declared = File.ReadLines(file).FirstOrDefault(l => l.StartsWith("namespace ", StringComparison.Ordinal));
                if (declared is null)
                {
                    continue;
                }

                var name = declared["namespace ".Length..].TrimEnd(';', ' ');
                if (name != expected && !name.StartsWith(expected + ".", StringComparison.Ordinal))
                {
                    mismatches.Add($"{Path.GetRelativePath(RepositoryRoot(), file)}: namespace {name}, expected {expected}[.*]");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("; ", mismatches));
    }

    [Fact]
    public void The_layer_table_itself_is_read_from_the_project_files()
    {
        // Guards the guard: if the project files could not be read, every other test here would pass vacuously.
        var projects = SourceProjects().ToDictionary(p => p.Name);
        Assert.Contains("Apdb", projects["Pipeline"].References);
        Assert.Contains("Sky", projects["Imaging"].References);
        Assert.Contains("Npgsql", projects["Apdb"].Packages);
    }

    internal static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    private static IEnumerable<SourceProject> SourceProjects()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        foreach (var file in Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f)))
        {
            var xml = XDocument.Load(file);
            var directory = Path.GetDirectoryName(file)!;
            var name = Path.GetFileName(directory);
            Assert.Equal(name + ".csproj", Path.GetFileName(file));
            var references = xml.Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            var packages = xml.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value).ToList();
            yield return new SourceProject(
                name,
                directory,
                xml.Descendants("AssemblyName").Select(e => e.Value).FirstOrDefault() ?? name,
                xml.Descendants("RootNamespace").Select(e => e.Value).FirstOrDefault() ?? name,
                references,
                packages);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Apdb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Apdb.sln above {AppContext.BaseDirectory}");
    }

    private sealed record SourceProject(
        string Name,
        string Directory,
        string AssemblyName,
        string RootNamespace,
        IReadOnlyList<string> References,
        IReadOnlyList<string> Packages);
}
