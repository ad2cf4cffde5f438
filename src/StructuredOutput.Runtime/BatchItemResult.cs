namespace StructuredOutput;

/// <summary>The result of one item of a batch.</summary>
/// <typeparam name="T">The extraction type.</typeparam>
public sealed class BatchItemResult<T>
{
    internal BatchItemResult(string id, ExtractionResult<T> result, bool resumed)
    {
        Id = id;
        Result = result;
        Resumed = resumed;
    }

    /// <summary>The item's id.</summary>
    public string Id { get; }

    /// <summary>The value or the typed failure, with every attempt's raw text.</summary>
    public ExtractionResult<T> Result { get; }

    /// <summary>
    /// Whether the result was read back from the journal of an earlier run (and judged again) instead of being asked for
    /// in this run. A run that was stopped after it journaled a result but before the caller saw it returns it so.
    /// </summary>
    public bool Resumed { get; }
}
