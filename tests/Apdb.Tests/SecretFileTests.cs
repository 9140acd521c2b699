using Apdb.Embedded;

namespace Apdb.Tests;

public sealed class SecretFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-secret-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_secret_replaces_a_world_readable_file_with_a_new_owner_only_one()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(_dir, "secret");
        await File.WriteAllTextAsync(path, "old\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        await SecretFile.WriteAsync(path, "s3cret");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("s3cret", await SecretFile.ReadAsync(path));
        Assert.Equal(["secret"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }
}
