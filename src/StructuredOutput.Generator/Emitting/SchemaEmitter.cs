using System.Collections.Generic;
using System.Text;
using StructuredOutput.Generator.Model;

namespace StructuredOutput.Generator.Emitting;

/// <summary>
/// Writes the contract's JSON Schema (draft 2020-12): every property required, <c>additionalProperties: false</c>,
/// null as a type union, objects used more than once or recursively under <c>$defs</c>.
/// </summary>
internal static class SchemaEmitter
{
    public static string Emit(ContractNames names)
    {
        var model = names.Model;
        var sb = new StringBuilder();
        sb.Append("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"");
        sb.Append(",\"title\":").Append(Literals.Json(model.SchemaName));
        sb.Append(',');
        ObjectBody(sb, names, model.Root, nullable: false, description: model.Root.Description);

        var definitions = new List<ObjectModel>();
        foreach (var o in model.Objects)
        {
            if (names.IsDefinition(o))
            {
                definitions.Add(o);
            }
        }

        if (definitions.Count > 0)
        {
            sb.Append(",\"$defs\":{");
            for (int i = 0; i < definitions.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                sb.Append(Literals.Json(names.NameOf(definitions[i].FullyQualifiedName))).Append(":{");
                ObjectBody(sb, names, definitions[i], nullable: false, description: definitions[i].Description);
                sb.Append('}');
            }

            sb.Append('}');
        }

        return sb.Append('}').ToString();
    }

    private static void ObjectBody(StringBuilder sb, ContractNames names, ObjectModel o, bool nullable, string? description)
    {
        sb.Append("\"type\":").Append(nullable ? "[\"object\",\"null\"]" : "\"object\"");
        if (description is not null)
        {
            sb.Append(",\"description\":").Append(Literals.Json(description));
        }

        sb.Append(",\"properties\":{");
        for (int i = 0; i < o.Members.Count; i++)
        {
            var m = o.Members[i];
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Literals.Json(m.JsonName)).Append(':');
            Value(sb, names, m.Type, m.Description);
        }

        sb.Append("},\"required\":[");
        for (int i = 0; i < o.Members.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Literals.Json(o.Members[i].JsonName));
        }

        sb.Append("],\"additionalProperties\":false");
    }

    private static void Value(StringBuilder sb, ContractNames names, TypeRef type, string? description)
    {
        sb.Append('{');
        switch (type.Kind)
        {
            case ValueKind.Object:
                var target = names.FindObject(type.Target!);
                if (target == names.Model.Root || names.IsDefinition(target))
                {
                    string reference = target == names.Model.Root ? "#" : "#/$defs/" + names.NameOf(target.FullyQualifiedName);
                    if (type.IsNullable)
                    {
                        sb.Append("\"anyOf\":[{\"$ref\":").Append(Literals.Json(reference)).Append("},{\"type\":\"null\"}]");
                    }
                    else
                    {
                        sb.Append("\"$ref\":").Append(Literals.Json(reference));
                    }

                    Description(sb, description);
                }
                else
                {
                    ObjectBody(sb, names, target, type.IsNullable, description ?? target.Description);
                }

                break;
            case ValueKind.Collection:
                Type(sb, "array", type.IsNullable);
                Description(sb, description);
                sb.Append(",\"items\":");
                Value(sb, names, type.Element!, null);
                break;
            case ValueKind.Enum:
                var e = names.FindEnum(type.Target!);
                Type(sb, "string", type.IsNullable);
                Description(sb, EnumDescription(e, description));
                sb.Append(",\"enum\":[");
                for (int i = 0; i < e.Members.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    sb.Append(Literals.Json(e.Members[i].JsonName));
                }

                if (type.IsNullable)
                {
                    sb.Append(",null");
                }

                sb.Append(']');
                break;
            case ValueKind.Int32:
                Type(sb, "integer", type.IsNullable);
                Description(sb, description);
                sb.Append(",\"minimum\":").Append(Literals.Number(int.MinValue)).Append(",\"maximum\":").Append(Literals.Number(int.MaxValue));
                break;
            case ValueKind.Int64:
                Type(sb, "integer", type.IsNullable);
                Description(sb, description);
                sb.Append(",\"minimum\":").Append(Literals.Number(long.MinValue)).Append(",\"maximum\":").Append(Literals.Number(long.MaxValue));
                break;
            default:
                Type(sb, JsonType(type.Kind), type.IsNullable);
                Description(sb, description);
                break;
        }

        sb.Append('}');
    }

    private static string JsonType(ValueKind kind) => kind switch
    {
        ValueKind.String => "string",
        ValueKind.Boolean => "boolean",
        _ => "number",
    };

    private static void Type(StringBuilder sb, string type, bool nullable) =>
        sb.Append("\"type\":").Append(nullable ? "[\"" + type + "\",\"null\"]" : "\"" + type + "\"");

    private static void Description(StringBuilder sb, string? description)
    {
        if (description is not null)
        {
            sb.Append(",\"description\":").Append(Literals.Json(description));
        }
    }

    private static string? EnumDescription(EnumModel e, string? memberDescription)
    {
        var parts = new List<string>();
        if ((memberDescription ?? e.Description) is { } head)
        {
            parts.Add(head);
        }

        var values = new List<string>();
        foreach (var m in e.Members)
        {
            if (m.Description is not null)
            {
                values.Add(m.JsonName + ": " + m.Description);
            }
        }

        if (values.Count > 0)
        {
            parts.Add(string.Join("; ", values));
        }

        return parts.Count == 0 ? null : string.Join(" ", parts);
    }
}
