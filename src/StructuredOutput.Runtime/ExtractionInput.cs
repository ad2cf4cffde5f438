using System;

namespace StructuredOutput;

/// <summary>
/// What one extraction reads: today a text, sent as data between two boundary lines (see
/// <see cref="ChatClientExtractExtensions.ExtractAsync{T}"/>). A string converts to it implicitly.
/// </summary>
public sealed class ExtractionInput
{
    private ExtractionInput(string text) => Text = text;

    /// <summary>The text to extract from.</summary>
    internal string Text { get; }

    /// <summary>An input that is a text.</summary>
    /// <param name="text">The text to extract from, sent verbatim.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static ExtractionInput FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ExtractionInput(text);
    }

    /// <summary>An input that is a text (<see cref="FromText"/>).</summary>
    /// <param name="text">The text to extract from, sent verbatim.</param>
    public static implicit operator ExtractionInput(string text) => FromText(text);
}
