using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace StructuredOutput.IntegrationTests;

/// <summary>
/// What Gemini's OpenAI-compatible endpoint does with a <c>json_schema</c> response format: it reads the schema into
/// its <c>Schema</c> message (an OpenAPI 3.0 subset) and answers HTTP 400 for a field that message does not have, a
/// type list, a non-string enum value or a format other than <c>enum</c> and <c>date-time</c>. The fields are those of
/// Gemini's published <c>Schema</c> reference, written out here on their own, not taken from the generator's table.
/// </summary>
internal static class GeminiSchemaCheck
{
    private static readonly HashSet<string> Fields = new()
    {
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    };

    private static readonly HashSet<string> Types = new() { "string", "number", "integer", "boolean", "array", "object" };

    /// <summary>The messages of every problem of the request's response schema; empty when Gemini would take it.</summary>
    public static List<string> Problems(JsonObject request)
    {
        var problems = new List<string>();
        if (request["response_format"]?["json_schema"]?["schema"] is JsonObject schema)
        {
            Check(schema, "generation_config.response_schema", problems);
        }

        return problems;
    }

    /// <summary>The body Gemini's compatible endpoint sends for a request it rejects (a list holding one error).</summary>
    public static string ErrorBody(IEnumerable<string> problems) => new JsonArray(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = 400,
            ["message"] = string.Join("\n", problems),
            ["status"] = "INVALID_ARGUMENT",
        },
    }).ToJsonString();

    private static void Check(JsonObject schema, string at, List<string> problems)
    {
        foreach (var (key, value) in schema)
        {
            if (!Fields.Contains(key))
            {
                problems.Add($"Invalid JSON payload received. Unknown name \"{key}\" at '{at}': Cannot find field.");
                continue;
            }

            switch (key)
            {
                case "type" when value is not JsonValue || !Types.Contains(((string?)value ?? string.Empty).ToLowerInvariant()):
                    problems.Add($"Invalid value at '{at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), {value?.ToJsonString()}");
                    break;
                case "format" when (string?)value is not ("enum" or "date-time"):
                    problems.Add($"Invalid value at '{at}.format': only 'enum' and 'date-time' are supported for STRING type, got {value?.ToJsonString()}");
                    break;
                case "enum":
                    int i = 0;
                    foreach (var item in value!.AsArray())
                    {
                        if (item is not JsonValue v || !v.TryGetValue<string>(out _))
                        {
                            problems.Add($"Invalid value at '{at}.enum[{i}]' (TYPE_STRING), {item?.ToJsonString() ?? "null"}");
                        }

                        i++;
                    }

                    break;
                case "properties":
                    int p = 0;
                    foreach (var (_, property) in value!.AsObject())
                    {
                        Check(property!.AsObject(), $"{at}.properties[{p++}].value", problems);
                    }

                    break;
                case "items":
                    Check(value!.AsObject(), at + ".items", problems);
                    break;
                case "anyOf":
                    foreach (var (branch, n) in value!.AsArray().Select((b, n) => (b, n)))
                    {
                        Check(branch!.AsObject(), $"{at}.any_of[{n}]", problems);
                    }

                    break;
            }
        }
    }
}
