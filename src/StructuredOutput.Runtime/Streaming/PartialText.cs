using System.Text;

namespace StructuredOutput.Streaming;

/// <summary>
/// A string that is still being written: the decoded text so far, turned into a <see cref="string"/> only when read,
/// and then cached until it grows again, so a long string streamed in many pieces is not copied on every piece.
/// </summary>
internal sealed class PartialText
{
    private readonly StringBuilder _text = new();
    private string? _cached;

    public int Length => _text.Length;

    public void Append(string piece)
    {
        if (piece.Length > 0)
        {
            _text.Append(piece);
            _cached = null;
        }
    }

    public override string ToString() => _cached ??= _text.ToString();

    /// <summary>The text of a slot that holds a string or a <see cref="PartialText"/>; null otherwise.</summary>
    public static string? Materialize(object? slot) => slot switch
    {
        string s => s,
        PartialText t => t.ToString(),
        _ => null,
    };
}
