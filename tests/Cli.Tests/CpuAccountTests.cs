using Apdb.Cli.Commands;

namespace Apdb.Cli.Tests;

/// <summary>The /proc parsing behind <c>bench visits</c>' CPU seconds.</summary>
public sealed class CpuAccountTests
{
    [Fact]
    public void A_stat_line_is_read_after_the_last_parenthesis_so_a_command_name_with_spaces_and_parentheses_is_whole()
    {
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
        var line = "4242 (postgres: apdb (x) idle) S 977 977 977 0 -1 4194560 1200 0 0 0 150 25 7 3 20 0 1 0 1000 100000 200 18446744073709551615\n";
        var stat = CpuAccount.ParseStat(line);
        Assert.Equal("postgres: apdb (x) idle", stat.Comm);
        Assert.Equal(977, stat.ParentPid);
        Assert.Equal(175, stat.OwnTicks);
        Assert.Equal(10, stat.ChildrenTicks);
    }

    [Theory]
    [InlineData("no parentheses here")]
    [InlineData("12 (short) S 1 2 3")]
    public void A_line_that_is_not_a_stat_line_is_refused(string line)
    {
        Assert.Throws<FormatException>(() => CpuAccount.ParseStat(line));
    }

    [Fact]
    public void The_machine_line_counts_user_nice_system_irq_softirq_and_steal_but_not_idle_or_iowait()
    {
        // cpu user nice system idle iowait irq softirq steal guest guest_nice
        Assert.Equal(1 + 2 + 3 + 6 + 7 + 8, CpuAccount.ParseMachineTicks("cpu  1 2 3 1000 500 6 7 8 0 0"));
        Assert.Throws<FormatException>(() => CpuAccount.ParseMachineTicks("cpu0 1 2 3 4 5 6 7 8 9 10"));
    }

    [Fact]
    public void Two_samples_subtract_to_what_was_spent_between_them_and_an_unmeasured_part_stays_unmeasured()
    {
        var a = new CpuAccount.Sample(1.5, 10.0, null);
        var b = new CpuAccount.Sample(2.0, 12.5, 40.0);
        var d = b - a;
        Assert.Equal(0.5, d.Client, 9);
        Assert.Equal(2.5, d.Server!.Value, 9);
        Assert.Null(d.Machine);
    }
}
