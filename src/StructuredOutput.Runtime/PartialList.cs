using System;
using System.Collections;
using System.Collections.Generic;
using StructuredOutput.Streaming;

namespace StructuredOutput;

/// <summary>
/// A list member of a partial view as far as the model has written it: complete items, then at most one item still
/// being written (a view that is filling in, or a string that is growing). Items of other types appear only once complete.
/// </summary>
/// <typeparam name="TItem">The item type: a generated view for objects, <see cref="string"/> for text, else the element's own type.</typeparam>
public sealed class PartialList<TItem> : IReadOnlyList<TItem>, IPartialList
{
    private readonly List<object?> _items = new();

    /// <summary>Creates an empty list. The streaming reader creates them; tests may too.</summary>
    public PartialList()
    {
    }

    /// <summary>The number of items begun so far, complete or not.</summary>
    public int Count => _items.Count;

    /// <summary>How many items, from the first, are complete; they will not change again.</summary>
    public int CompleteCount { get; private set; }

    /// <summary>Whether the list is closed: every item is complete and no more will come.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>The item at <paramref name="index"/>.</summary>
    /// <param name="index">The item's index.</param>
    /// <returns>The item (a string item shows its text so far).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not less than <see cref="Count"/>.</exception>
    public TItem this[int index]
    {
        get
        {
            object? item = _items[index];
            return item is PartialText text ? (TItem)(object)text.ToString() : (TItem)item!;
        }
    }

    /// <summary>Enumerates the items begun so far.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<TItem> GetEnumerator()
    {
        for (int i = 0; i < _items.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    int IPartialList.Count => _items.Count;

    object? IPartialList.this[int index] => _items[index];

    void IPartialList.Add(object? item) => _items.Add(item);

    void IPartialList.SetLast(object? item) => _items[^1] = item;

    void IPartialList.CompleteLast(object? item)
    {
        _items[^1] = item;
        CompleteCount = _items.Count;
    }

    void IPartialList.AddComplete(object? item)
    {
        _items.Add(item);
        CompleteCount = _items.Count;
    }

    void IPartialList.RemoveLast()
    {
        _items.RemoveAt(_items.Count - 1);
        CompleteCount = Math.Min(CompleteCount, _items.Count);
    }

    void IPartialList.Close() => IsComplete = true;
}
