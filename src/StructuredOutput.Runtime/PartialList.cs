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
    private Slot[] _items = Array.Empty<Slot>();
    private int _count;

    /// <summary>Creates an empty list. The streaming reader creates them; tests may too.</summary>
    public PartialList()
    {
    }

    /// <summary>The number of items begun so far, complete or not.</summary>
    public int Count => _count;

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
            object? item = (uint)index < (uint)_count ? _items[index].Value : throw new ArgumentOutOfRangeException(nameof(index), index, "The index is outside the items begun so far.");
            return item is PartialText text ? (TItem)(object)text.ToString() : (TItem)item!;
        }
    }

    /// <summary>Enumerates the items begun so far.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<TItem> GetEnumerator()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    int IPartialList.Count => _count;

    object? IPartialList.this[int index] => _items[index].Value;

    void IPartialList.Add(object? item) => Add(item);

    void IPartialList.SetLast(object? item) => _items[_count - 1].Value = item;

    void IPartialList.CompleteLast(object? item)
    {
        _items[_count - 1].Value = item;
        CompleteCount = _count;
    }

    void IPartialList.AddComplete(object? item)
    {
        Add(item);
        CompleteCount = _count;
    }

    void IPartialList.RemoveLast()
    {
        _items[--_count].Value = null;
        CompleteCount = Math.Min(CompleteCount, _count);
    }

    void IPartialList.Close() => IsComplete = true;

    // The items are kept in an array of their own (a list's wrapper would be one more object per list of the view), each
    // in a struct so that storing one needs no check of the array's element type.
    private void Add(object? item)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _count == 0 ? 4 : _count * 2);
        }

        _items[_count++].Value = item;
    }

    private struct Slot
    {
        public object? Value;
    }
}
