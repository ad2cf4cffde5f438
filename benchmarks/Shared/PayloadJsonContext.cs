using System.Text.Json.Serialization;

namespace StructuredOutput.Benchmarks.Payloads;

/// <summary>System.Text.Json's source-generated metadata for the payloads: camelCase names, enums as strings.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Recipe))]
[JsonSerializable(typeof(Invoice))]
public sealed partial class PayloadJsonContext : JsonSerializerContext
{
}
