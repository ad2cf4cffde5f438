using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>Renders a <see cref="ConstantModel"/> as C# and as JSON, in the type of the member it belongs to.</summary>
internal static class Constants
{
    /// <summary>A C# expression of <paramref name="type"/> (or convertible to it) for the constant.</summary>
    public static string CSharp(ConstantModel constant, TypeRef type)
    {
        string value = constant.Value ?? string.Empty;
        switch (constant.Kind)
        {
            case ConstantKind.Null:
                return type.IsNullable ? "null" : "default!";
            case ConstantKind.String:
                return Literals.CSharp(value);
            case ConstantKind.Char:
                return Literals.CSharpChar(value.Length > 0 ? value[0] : '\0');
            case ConstantKind.Boolean:
                return value;
            case ConstantKind.EnumMember:
                return type.Target + "." + Literals.Identifier(value);
        }

        var kind = type.AsNonNullable().Kind;
        bool negative = value.StartsWith("-", System.StringComparison.Ordinal);
        switch (kind)
        {
            case ValueKind.Enum:
                return $"({type.Target})({value})";
            case ValueKind.Single or ValueKind.Double:
                string keyword = kind == ValueKind.Single ? "float" : "double";
                return value switch
                {
                    "NaN" => keyword + ".NaN",
                    "Infinity" => keyword + ".PositiveInfinity",
                    "-Infinity" => keyword + ".NegativeInfinity",
                    _ => value + (kind == ValueKind.Single ? "f" : "d"),
                };
            case ValueKind.Decimal:
                return value + "m";
            case ValueKind.Int32:
                return value;
            case ValueKind.Int64:
                return value + "L";
            case ValueKind.UInt32:
                return value + "U";
            case ValueKind.UInt64:
                return value + "UL";
            default:
                string cast = "(" + ReaderEmitter.CSharpType(type.AsNonNullable()) + ")";
                return negative ? cast + "(" + value + ")" : cast + value;
        }
    }

    /// <summary>The constant as JSON, or null when JSON cannot state it (NaN, an enum value no member names).</summary>
    public static string? Json(ConstantModel constant, TypeRef type, ContractNames names)
    {
        string value = constant.Value ?? string.Empty;
        switch (constant.Kind)
        {
            case ConstantKind.Null:
                return type.IsNullable ? "null" : null;
            case ConstantKind.String:
            case ConstantKind.Char:
                return Literals.Json(value);
            case ConstantKind.Boolean:
                return value;
            case ConstantKind.EnumMember:
                foreach (var member in names.FindEnum(type.Target!).Members)
                {
                    if (member.ClrName == value)
                    {
                        return Literals.Json(member.JsonName);
                    }
                }

                return null;
            default:
                return type.AsNonNullable().Kind == ValueKind.Enum || value is "NaN" or "Infinity" or "-Infinity" ? null : value;
        }
    }
}
