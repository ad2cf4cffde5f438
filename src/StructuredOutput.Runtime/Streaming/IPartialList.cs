namespace StructuredOutput.Streaming;

/// <summary>What the streaming reader changes in a <see cref="PartialList{TItem}"/>, without its item type.</summary>
internal interface IPartialList
{
    int Count { get; }

    bool IsComplete { get; }

    /// <summary>The raw item: a boxed value, a <see cref="PartialText"/> or a view.</summary>
    object? this[int index] { get; }

    /// <summary>Begins an item that is still being written.</summary>
    void Add(object? item);

    /// <summary>Replaces the item still being written.</summary>
    void SetLast(object? item);

    /// <summary>Replaces the last item with its final value and marks it complete.</summary>
    void CompleteLast(object? item);

    /// <summary>Adds an item that is complete.</summary>
    void AddComplete(object? item);

    /// <summary>Drops the last item (begun but found to be no item of the list).</summary>
    void RemoveLast();

    /// <summary>Marks the list closed.</summary>
    void Close();
}
