namespace Apdb.Serve.Adql;

/// <summary>
/// The functions a query may call: ADQL 2.0's mathematical, trigonometric and aggregate functions, a few of ADQL 2.1's
/// string functions, and the geometry. Any other name (pg_sleep, a catalog function, ...) is refused, so a query can
/// only compute, never act.
/// </summary>
public sealed partial class AdqlTranslator
{
    private static readonly Dictionary<string, (string Sql, int Min, int Max)> Plain = new(StringComparer.Ordinal)
    {
        ["ABS"] = ("abs", 1, 1),
        ["CEILING"] = ("ceil", 1, 1),
        ["DEGREES"] = ("degrees", 1, 1),
        ["EXP"] = ("exp", 1, 1),
        ["FLOOR"] = ("floor", 1, 1),
        ["LOG"] = ("ln", 1, 1),
        ["LOG10"] = ("log", 1, 1),
        ["PI"] = ("pi", 0, 0),
        ["POWER"] = ("power", 2, 2),
        ["RADIANS"] = ("radians", 1, 1),
        ["SQRT"] = ("sqrt", 1, 1),
        ["ACOS"] = ("acos", 1, 1),
        ["ASIN"] = ("asin", 1, 1),
        ["ATAN"] = ("atan", 1, 1),
        ["ATAN2"] = ("atan2", 2, 2),
        ["COS"] = ("cos", 1, 1),
        ["COT"] = ("cot", 1, 1),
        ["SIN"] = ("sin", 1, 1),
        ["TAN"] = ("tan", 1, 1),
        ["LOWER"] = ("lower", 1, 1),
        ["UPPER"] = ("upper", 1, 1),
        ["COALESCE"] = ("coalesce", 1, 16),
        ["AVG"] = ("avg", 1, 1),
        ["MIN"] = ("min", 1, 1),
        ["MAX"] = ("max", 1, 1),
        ["SUM"] = ("sum", 1, 1),
        ["COUNT"] = ("count", 1, 1),
    };

    private string Function(FunctionCall call)
    {
        if (call.Star)
        {
            return call.Name == "COUNT" ? "count(*)" : throw new AdqlException($"{call.Name}(*) is not a function: only COUNT(*) takes '*'");
        }

        if (call.Distinct && call.Name is not ("COUNT" or "SUM" or "AVG" or "MIN" or "MAX"))
        {
            throw new AdqlException($"DISTINCT is only allowed in an aggregate, not in {call.Name}");
        }

        switch (call.Name)
        {
            case "CONTAINS" or "INTERSECTS":
                return $"(CASE WHEN {ContainsCondition(call)} THEN 1 ELSE 0 END)";
            case "DISTANCE":
                return Distance(call);
            case "POINT" or "CIRCLE" or "BOX" or "POLYGON" or "REGION" or "AREA" or "CENTROID" or "COORD1" or "COORD2" or "COORDSYS":
                throw new AdqlException($"{call.Name} is only supported inside CONTAINS, INTERSECTS or DISTANCE");
            case "MOD":
                Arity(call, 2, 2);
                return $"mod(({Value(call.Arguments[0])})::numeric, ({Value(call.Arguments[1])})::numeric)";
            case "ROUND" or "TRUNCATE":
                Arity(call, 1, 2);
                var digits = call.Arguments.Count == 2 ? Value(call.Arguments[1]) : "0";
                return $"{(call.Name == "ROUND" ? "round" : "trunc")}(({Value(call.Arguments[0])})::numeric, ({digits})::integer)";
            case "RAND":
                Arity(call, 0, 0);
                return "random()";
        }

        if (!Plain.TryGetValue(call.Name, out var function))
        {
            throw new AdqlException($"unknown function {call.Name}: ADQL's math, trigonometric, aggregate and geometry functions (and LOWER, UPPER, COALESCE) are available");
        }

        Arity(call, function.Min, function.Max);
        return $"{function.Sql}({(call.Distinct ? "DISTINCT " : string.Empty)}{string.Join(", ", call.Arguments.Select(Value))})";
    }

    private static void Arity(FunctionCall call, int min, int max)
    {
        if (call.Arguments.Count < min || call.Arguments.Count > max)
        {
            var expected = min == max ? $"{min}" : $"{min} to {max}";
            throw new AdqlException($"{call.Name} takes {expected} argument{(max == 1 ? string.Empty : "s")}, not {call.Arguments.Count}");
        }
    }
}
