using Apdb.Sky;

namespace Apdb.Embedded;

/// <summary>
/// Files that hold a password: created with mode 0600 by the <c>open</c> call itself, so no other user can read them at
/// any moment, and written under a temporary name then renamed, so a reader never sees a half-written secret.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="secret"/> and a newline to <paramref name="path"/>, replacing any previous file.</summary>
    public static async Task WriteAsync(string path, string secret, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync((secret + "\n").AsMemory(), ct);
        }, OwnerOnly, cancellationToken);
    }

    /// <summary>The secret in <paramref name="path"/> (without the newline).</summary>
    public static async Task<string> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
}
