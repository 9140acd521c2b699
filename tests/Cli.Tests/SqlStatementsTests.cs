using Apdb.Cli.Commands;

namespace Apdb.Cli.Tests;

public sealed class SqlStatementsTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData(" ;; -- x\n /* y; /* nested; */ */ ", 0)]
    [InlineData("SELECT 1", 1)]
    [InlineData("SELECT 1;", 1)]
    [InlineData("SELECT 1; SELECT 2", 2)]
    [InlineData("SELECT 'a;b''c;'", 1)]
    [InlineData("SELECT E'\\';'; SELECT 2", 2)]
    [InlineData("SELECT \"x;\"\"y\" FROM t", 1)]
    [InlineData("DO $body$ BEGIN PERFORM 1; END $body$", 1)]
    [InlineData("DO $$ BEGIN PERFORM 1; END $$; SELECT 1", 2)]
    [InlineData("SELECT $1; SELECT 2", 2)]
    [InlineData("SELECT 1 /* ; */; -- ;\nSELECT 2 -- ;", 2)]
    public void Statements_are_counted_as_PostgreSQL_separates_them(string sql, int expected)
    {
        Assert.Equal(expected, SqlStatements.Count(sql));
    }
}
