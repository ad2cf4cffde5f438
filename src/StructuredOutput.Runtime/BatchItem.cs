using System;

namespace StructuredOutput;

/// <summary>One item of a batch: an id of the caller's and the input to extract from.</summary>
public sealed class BatchItem
{
    /// <summary>The longest id: 64 characters, the limit of the providers' Batch APIs for a request's custom id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Creates an item.</summary>
    /// <param name="id">
    /// The item's id, unique within a run (a repeated id is an error) and stable across runs: the journal finds an item's
    /// result by it when a run resumes. 1 to <see cref="MaxIdLength"/> characters.
    /// </param>
    /// <param name="input">What to extract from (a string converts implicitly).</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or longer than <see cref="MaxIdLength"/> characters.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="input"/> is null.</exception>
    public BatchItem(string id, ExtractionInput input)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(input);
        if (id.Length == 0 || id.Length > MaxIdLength)
        {
            throw new ArgumentException(
                $"The item id '{(id.Length > MaxIdLength ? id.Substring(0, MaxIdLength) + "…" : id)}' has {id.Length} characters; an id has 1 to {MaxIdLength} (the Batch API's limit for a custom id).",
                nameof(id));
        }

        Id = id;
        Input = input;
    }

    /// <summary>The item's id.</summary>
    public string Id { get; }

    /// <summary>What to extract from.</summary>
    public ExtractionInput Input { get; }
}
