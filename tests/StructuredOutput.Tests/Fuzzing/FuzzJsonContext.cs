using System.Text.Json.Serialization;

namespace StructuredOutput.Tests.Fuzzing;

/// <summary>
/// Writes values the way the contracts name them (camelCase, enums as strings, <c>[JsonPropertyName]</c> and
/// <c>[JsonStringEnumMemberName]</c> honoured). The runtime has no serializer; the fuzz tests use this one to turn
/// generated values into answers and parsed values back into JSON.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    MaxDepth = 1024)]
[JsonSerializable(typeof(AllScalars))]
[JsonSerializable(typeof(Nullables))]
[JsonSerializable(typeof(Profile))]
[JsonSerializable(typeof(TreeNode))]
[JsonSerializable(typeof(Point))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Outline))]
internal sealed partial class FuzzJsonContext : JsonSerializerContext
{
}
