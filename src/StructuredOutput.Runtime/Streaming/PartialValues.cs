using System;
using System.Collections.Generic;
using System.ComponentModel;
using StructuredOutput.Reading;

namespace StructuredOutput.Streaming;

/// <summary>
/// The values of a complete partial view, as the generated builders take them (<see cref="PartialValueBuilder{T}"/>):
/// each member's value as its reader read it. Emitted code calls these; not a user API.
/// </summary>
/// <remarks>
/// A builder runs only on a view the incremental reader completed without an error, a repair, an unknown or a missing
/// member; anything else it meets (a member not complete, a value of another type) is a broken promise of that reader,
/// and throws <see cref="InvalidOperationException"/> so that the answer is parsed whole instead.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PartialValues
{
    /// <summary>The value of a complete member shown as a value or a text.</summary>
    /// <typeparam name="T">The member's type.</typeparam>
    /// <param name="view">The complete view.</param>
    /// <param name="member">The member's index in the view's shape.</param>
    /// <returns>The value.</returns>
    public static T Member<T>(PartialObject view, int member)
    {
        ArgumentNullException.ThrowIfNull(view);
        return As<T>(Complete(view, member));
    }

    /// <summary>The items of a complete list member whose items are values or texts; null for a null list.</summary>
    /// <typeparam name="TItem">The element type.</typeparam>
    /// <param name="view">The complete view.</param>
    /// <param name="member">The member's index in the view's shape.</param>
    /// <returns>The items, in a new list.</returns>
    public static List<TItem>? List<TItem>(PartialObject view, int member)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (Items(view, member) is not { } items)
        {
            return null;
        }

        var list = new List<TItem>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            list.Add(As<TItem>(items[i]));
        }

        return list;
    }

    /// <summary>The items of a complete list member whose items are objects, each built from its view.</summary>
    /// <typeparam name="TItem">The element type.</typeparam>
    /// <param name="view">The complete view.</param>
    /// <param name="member">The member's index in the view's shape.</param>
    /// <param name="build">The builder of one item.</param>
    /// <param name="context">Receives an item's construction or validation failure.</param>
    /// <param name="list">The items, in a new list; null for a null list.</param>
    /// <returns>Whether every item was built.</returns>
    public static bool List<TItem>(PartialObject view, int member, PartialValueBuilder<TItem> build, JsonReadContext context, out List<TItem>? list)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(build);
        list = null;
        if (Items(view, member) is not { } items)
        {
            return true;
        }

        var built = new List<TItem>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            switch (items[i])
            {
                case null:
                    built.Add(As<TItem>(null));
                    break;
                case PartialObject item when item.IsComplete:
                    if (!build(item, context, out TItem value))
                    {
                        return false;
                    }

                    built.Add(value);
                    break;
                default:
                    throw NotBuilt(view, member);
            }
        }

        list = built;
        return true;
    }

    /// <summary>The complete view of an object member; null for a null object.</summary>
    /// <param name="view">The complete view.</param>
    /// <param name="member">The member's index in the view's shape.</param>
    /// <returns>The member's view.</returns>
    public static PartialObject? Object(PartialObject view, int member)
    {
        ArgumentNullException.ThrowIfNull(view);
        return Complete(view, member) switch
        {
            null => null,
            PartialObject { IsComplete: true } inner => inner,
            _ => throw NotBuilt(view, member),
        };
    }

    private static object? Complete(PartialObject view, int member) =>
        view.IsCompleteAt(member) ? view.GetSlot(member) : throw NotBuilt(view, member);

    private static IPartialList? Items(PartialObject view, int member) => Complete(view, member) switch
    {
        null => null,
        IPartialList { IsComplete: true } items => items,
        _ => throw NotBuilt(view, member),
    };

    // A null stands only for a type that has one; any other value must be of the type itself.
    private static T As<T>(object? value) => value switch
    {
        T typed => typed,
        null when default(T) is null => default!,
        _ => throw new InvalidOperationException($"A streamed value of type {value?.GetType().Name ?? "null"} cannot be taken as {typeof(T).Name}."),
    };

    private static InvalidOperationException NotBuilt(PartialObject view, int member) =>
        new($"The member {view.Shape.Members[member].MemberName} of the streamed {view.Shape.TypeName} is not complete.");
}
