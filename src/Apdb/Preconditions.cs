using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Apdb;

/// <summary>
/// The store's name for <see cref="Sky.Preconditions"/>, the one home of argument checks: each check here forwards to
/// it, so the messages are the same everywhere. <see cref="ThrowUser"/> is the store's user error, which Sky cannot
/// know. Kept while the store (being rewritten behind <c>IApdb</c>) still calls <c>Preconditions</c> unqualified.
/// </summary>
internal static class Preconditions
{
    public static void NotNull([NotNull] object? value, [CallerArgumentExpression(nameof(value))] string name = "") =>
        Sky.Preconditions.NotNull(value, name);

    public static void InRange(int value, int min, int max, [CallerArgumentExpression(nameof(value))] string name = "") =>
        Sky.Preconditions.InRange(value, min, max, name);

    public static void Finite(double value, [CallerArgumentExpression(nameof(value))] string name = "") =>
        Sky.Preconditions.Finite(value, name);

    [DoesNotReturn]
    public static void ThrowUser(string message) => throw new ApdbUserException(message);
}
