using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StructuredOutput;

/// <summary>Serializes the rewritten response body without reflection, so that the package stays trimmable.</summary>
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class OpenAIJsonContext : JsonSerializerContext
{
}
