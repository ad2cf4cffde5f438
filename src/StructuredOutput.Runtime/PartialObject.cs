using System;
using System.ComponentModel;
using StructuredOutput.Streaming;

namespace StructuredOutput;

/// <summary>
/// The base of every generated partial view: an object of an extraction type as far as the model has written it while
/// the answer streams. The generator emits one view per object type of a contract (the root's is <c>T.Partial</c>),
/// with each member nullable: a string shows the text written so far, any other value appears once it is complete
/// and valid, an object member is its own view, and a list is a <see cref="PartialList{TItem}"/>.
/// </summary>
/// <remarks>
/// A member once complete never changes again in the same attempt. A view belongs to one attempt: a re-ask starts a
/// new one. Views are read by the consumer of the stream between updates; they are not thread-safe.
/// </remarks>
public abstract class PartialObject
{
    private readonly Slot[] _values; // each value in a struct, so that storing one needs no check of the array's element type
    private readonly bool[]? _completeMany; // for a shape of more than 64 members; otherwise a bit each in _complete
    private ulong _complete;

    /// <summary>Creates an empty view of the shape's type. Called by generated code.</summary>
    /// <param name="shape">The generated shape of the view's type.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected PartialObject(PartialShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        _values = new Slot[shape.Members.Count];
        _completeMany = shape.Members.Count > 64 ? new bool[shape.Members.Count] : null;
    }

    /// <summary>Whether the object is closed: every member it will have is complete.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>The shape of the view's type.</summary>
    internal PartialShape Shape { get; }

    /// <summary>Whether the member has been written in full (and, for a value, read and found valid); it will not change again.</summary>
    /// <param name="memberName">The C# name of the member, as with <c>nameof(Recipe.Name)</c>.</param>
    /// <returns>Whether the member is complete.</returns>
    /// <exception cref="ArgumentException">The type has no member of that name.</exception>
    public bool IsMemberComplete(string memberName)
    {
        ArgumentNullException.ThrowIfNull(memberName);
        int index = Shape.IndexOfMember(memberName);
        if (index < 0)
        {
            throw new ArgumentException($"{Shape.TypeName} has no member named \"{memberName}\" in its contract; pass the C# name of a member, such as nameof({Shape.TypeName}.{Shape.Members[0].MemberName}).", nameof(memberName));
        }

        return IsCompleteAt(index);
    }

    /// <summary>The value of a member of a value type, or null while it is not complete (or is null). Called by generated code.</summary>
    /// <typeparam name="TValue">The member's value type.</typeparam>
    /// <param name="member">The member's index in the shape.</param>
    /// <returns>The value, or null.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected TValue? GetValue<TValue>(int member)
        where TValue : struct => _values[member].Value is TValue value ? value : null;

    /// <summary>The value of a member of a reference type (a view, a list, a whole value), or null. Called by generated code.</summary>
    /// <typeparam name="TValue">The member's type as the view shows it.</typeparam>
    /// <param name="member">The member's index in the shape.</param>
    /// <returns>The value, or null.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected TValue? GetReference<TValue>(int member)
        where TValue : class => _values[member].Value as TValue;

    /// <summary>The text of a string member written so far (all of it once complete), or null before it starts. Called by generated code.</summary>
    /// <param name="member">The member's index in the shape.</param>
    /// <returns>The text, or null.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected string? GetText(int member) => PartialText.Materialize(_values[member].Value);

    /// <summary>The raw slot of a member: a boxed value, a <see cref="PartialText"/>, a view or a list.</summary>
    internal object? GetSlot(int member) => _values[member].Value;

    /// <summary>Sets the slot of a member that is still being written.</summary>
    internal void SetSlot(int member, object? value) => _values[member].Value = value;

    /// <summary>Sets a member's final value and marks it complete.</summary>
    internal void Complete(int member, object? value)
    {
        _values[member].Value = value;
        if (_completeMany is null)
        {
            _complete |= 1UL << member;
        }
        else
        {
            _completeMany[member] = true;
        }
    }

    /// <summary>Whether the member at <paramref name="member"/> is complete.</summary>
    internal bool IsCompleteAt(int member) => _completeMany is null ? (_complete & (1UL << member)) != 0 : _completeMany[member];

    /// <summary>Marks the object closed.</summary>
    internal void Close() => IsComplete = true;

    private struct Slot
    {
        public object? Value;
    }
}
