using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StructuredOutput.Writing;

/// <summary>A contract's value as JSON text: compact, with characters beyond ASCII kept as they are.</summary>
internal static class ContractJson
{
    /// <summary>
    /// Compact, and only what JSON itself requires escaped (quotes, backslashes, control characters): a model reads
    /// "crème brûlée" better than "cr\u00E8me br\u00FBl\u00E9e", and it costs fewer tokens.
    /// </summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="value"/> with the generated writer of <typeparamref name="T"/>.</summary>
    public static string ToJson<T>(T value) where T : ILlmExtractable<T>
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            T.Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
