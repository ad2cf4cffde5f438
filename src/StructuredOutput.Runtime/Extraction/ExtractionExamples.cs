using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.Extensions.AI;

namespace StructuredOutput.Extraction;

/// <summary>
/// What the model is shown of <see cref="ExtractOptions.Examples"/>, and the wording around it. Examples of the answer
/// alone go into the system message (<see cref="SystemText{T}"/>); examples with an input become earlier exchanges,
/// between the system message and the input (<see cref="Exchanges{T}"/>). Both check that every example is one of the
/// extraction type.
/// </summary>
internal static class ExtractionExamples
{
    /// <summary>The heading of one example answer in the system message.</summary>
    public const string OneHeading = "An example of a valid answer (its values are made up: take every value from the input, never from the example):";

    /// <summary>The heading of several example answers in the system message, one per line after it.</summary>
    public const string SeveralHeading = "Examples of valid answers, one per line (their values are made up: take every value from the input, never from an example):";

    /// <summary>The rule added to the system message when earlier exchanges are examples.</summary>
    public const string ExchangesRule = "The exchanges before the last input are examples: take every value of the answer from the last input, never from an example.";

    /// <summary>
    /// The text to add to the system message for <paramref name="examples"/>: the example answers without an input
    /// under a heading, and the rule on example exchanges when some have an input; null when there are none. It ends the
    /// system message: after the generated prompt, the input rule and any instructions, a blank line before it.
    /// </summary>
    /// <typeparam name="T">The extraction type.</typeparam>
    /// <param name="examples">The options' examples, or null.</param>
    /// <exception cref="ArgumentException">An example is null or of another type.</exception>
    public static string? SystemText<T>(IList<ExtractionExample>? examples) where T : ILlmExtractable<T>
    {
        if (examples is null || examples.Count == 0)
        {
            return null;
        }

        int answersOnly = 0;
        bool exchanges = false;
        for (int i = 0; i < examples.Count; i++)
        {
            if (Checked<T>(examples, i).Input is null)
            {
                answersOnly++;
            }
            else
            {
                exchanges = true;
            }
        }

        var text = new StringBuilder();
        if (answersOnly > 0)
        {
            text.Append(answersOnly == 1 ? OneHeading : SeveralHeading);
            foreach (var example in examples)
            {
                if (example.Input is null)
                {
                    text.Append('\n').Append(example.Json);
                }
            }
        }

        if (exchanges)
        {
            text.Append(text.Length > 0 ? "\n\n" : string.Empty).Append(ExchangesRule);
        }

        return text.ToString();
    }

    /// <summary>
    /// The example exchanges, in the order given: for each example with an input, a user message holding the input
    /// delimited as the real input is, then an assistant message holding the example's JSON. Empty when no example has
    /// an input. They go after the system message and before the input, and stay there on every re-ask.
    /// </summary>
    /// <typeparam name="T">The extraction type.</typeparam>
    /// <param name="examples">The options' examples, or null.</param>
    /// <exception cref="ArgumentException">An example is null or of another type.</exception>
    public static List<ChatMessage> Exchanges<T>(IList<ExtractionExample>? examples) where T : ILlmExtractable<T>
    {
        var messages = new List<ChatMessage>();
        if (examples is null)
        {
            return messages;
        }

        for (int i = 0; i < examples.Count; i++)
        {
            if (Checked<T>(examples, i) is { Input: { } input } example)
            {
                messages.Add(new ChatMessage(ChatRole.User, InputDelimiter.Format(input)));
                messages.Add(new ChatMessage(ChatRole.Assistant, example.Json));
            }
        }

        return messages;
    }

    private static ExtractionExample Checked<T>(IList<ExtractionExample> examples, int index) where T : ILlmExtractable<T> =>
        examples[index] switch
        {
            ExtractionExample<T> example => example,
            null => throw new ArgumentException($"ExtractOptions.Examples[{index}] is null.", nameof(ExtractOptions.Examples)),
            var other => throw new ArgumentException(
                $"ExtractOptions.Examples[{index}] is an example of {other.TypeName}, not of {typeof(T).Name}.",
                nameof(ExtractOptions.Examples)),
        };
}
