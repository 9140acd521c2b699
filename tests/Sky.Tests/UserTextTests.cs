namespace Apdb.Sky.Tests;

public sealed class UserTextTests
{
    [Fact]
    public void A_short_value_is_quoted_whole()
    {
        Assert.Equal("'kdtree'", UserText.Quote("kdtree"));
        Assert.Equal("''", UserText.Quote(string.Empty));
    }

    [Fact]
    public void A_long_value_is_cut_after_sixty_characters_with_its_length()
    {
        var quoted = UserText.Quote(new string('a', 10_000_000));

        Assert.Equal($"'{new string('a', UserText.MaxShown)}...' (10000000 characters)", quoted);
    }

    [Fact]
    public void A_value_of_exactly_sixty_characters_is_not_cut()
    {
        Assert.Equal($"'{new string('b', 60)}'", UserText.Quote(new string('b', 60)));
    }

    [Fact]
    public void Control_characters_are_escaped_never_printed_raw()
    {
        var quoted = UserText.Quote("\u001b[2J\r\n\t\u0007\u007f\u009bend");

        Assert.Equal("'\\x1B[2J\\r\\n\\t\\x07\\x7F\\x9Bend'", quoted);
        Assert.DoesNotContain(quoted, char.IsControl);
        Assert.Equal("a\\x1Bb", UserText.EscapeControl("a\u001bb"));
        Assert.Equal("plain", UserText.EscapeControl("plain"));
    }
}
