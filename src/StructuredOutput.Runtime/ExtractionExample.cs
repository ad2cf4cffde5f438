using System;
using System.Linq;

namespace StructuredOutput;

/// <summary>
/// An example for the model (few-shot): an answer it should give, written as JSON by the contract's generated writer,
/// and optionally the input that answer was read from. Give examples in <see cref="ExtractOptions.Examples"/>; create
/// them with <see cref="ExtractionExample{T}"/>.
/// </summary>
public abstract class ExtractionExample
{
    private protected ExtractionExample(string? input, string json)
    {
        Input = input;
        Json = json;
    }

    /// <summary>The input the example answer was read from, or null for an example of the answer alone.</summary>
    public string? Input { get; }

    /// <summary>The example answer as the model sees it: compact JSON from the contract's generated writer.</summary>
    public string Json { get; }

    /// <summary>The name of the extraction type the example is of.</summary>
    internal abstract string TypeName { get; }
}

/// <summary>An example value of <typeparamref name="T"/> for the model, with or without the input it was read from.</summary>
/// <typeparam name="T">The extraction type.</typeparam>
/// <example>
/// <code>
/// var options = new ExtractOptions
/// {
///     Examples = [new ExtractionExample&lt;Recipe&gt;("Toast: 1 slice of bread. Toast it.", new Recipe("Toast", null, [new("bread", 1, "slice")], ["Toast it."]))],
/// };
/// </code>
/// </example>
public sealed class ExtractionExample<T> : ExtractionExample where T : ILlmExtractable<T>
{
    /// <summary>An example answer, shown to the model as a sample of the answer's form.</summary>
    /// <param name="value">The example value; it must pass the contract's own parsing and validation.</param>
    /// <exception cref="ArgumentException">
    /// The value has no JSON form, or its JSON does not pass the contract's parsing and validation (a null in a
    /// non-nullable member, a broken constraint); the message names every problem by its JSON path.
    /// </exception>
    public ExtractionExample(T value)
        : this(null, value, nameof(value))
    {
    }

    /// <summary>An example input and the answer read from it, shown to the model as an earlier exchange.</summary>
    /// <param name="input">The example input.</param>
    /// <param name="value">The value to extract from <paramref name="input"/>; it must pass the contract's own parsing and validation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The value has no JSON form, or its JSON does not pass the contract's parsing and validation; the message names
    /// every problem by its JSON path.
    /// </exception>
    public ExtractionExample(string input, T value)
        : this(input ?? throw new ArgumentNullException(nameof(input)), value, nameof(value))
    {
    }

    private ExtractionExample(string? input, T value, string parameter)
        : base(input, Check(value, parameter))
    {
        Value = value;
    }

    /// <summary>The example value.</summary>
    public T Value { get; }

    internal override string TypeName => typeof(T).Name;

    // The example's JSON, read back by the contract's parser: the model is never shown an answer the parser would reject.
    private static string Check(T value, string parameter)
    {
        string json;
        try
        {
            json = LlmContract<T>.ToJson(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The example {typeof(T).Name} cannot be written as JSON: {e.Message}", parameter, e);
        }

        ParseResult<T> result = LlmContract<T>.Parse(json);
        if (!result.IsSuccess)
        {
            throw new ArgumentException(
                $"The example {typeof(T).Name} is not a valid answer: {string.Join("; ", result.Errors.Select(e => e.ToString()))}",
                parameter);
        }

        return json;
    }
}
