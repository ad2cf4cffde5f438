using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace StructuredOutput.Streaming;

/// <summary>
/// The members of one object type of a contract, as the streaming reader needs them to fill in a
/// <see cref="PartialObject"/>. Emitted by the generator, one per object type; not a user API.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PartialShape
{
    private readonly PartialMember[] _members;

    /// <summary>Creates the shape of an object type.</summary>
    /// <param name="typeName">The type's name as the schema and the errors call it.</param>
    /// <param name="members">Its members, in the order the view's indexes use.</param>
    public PartialShape(string typeName, PartialMember[] members)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(members);
        TypeName = typeName;
        _members = members;
    }

    /// <summary>Creates the shape of an object type, with the factory of its view (needed for the root type's view).</summary>
    /// <param name="typeName">The type's name as the schema and the errors call it.</param>
    /// <param name="members">Its members, in the order the view's indexes use.</param>
    /// <param name="createView">Creates an empty view of the type (the generated <c>T.Partial</c> for the root).</param>
    public PartialShape(string typeName, PartialMember[] members, Func<PartialObject> createView)
        : this(typeName, members)
    {
        ArgumentNullException.ThrowIfNull(createView);
        CreateView = createView;
    }

    /// <summary>
    /// Creates the shape of the root type, with the factory of its view and the builder of its value from a complete view
    /// (so that an answer read strictly while it streamed is not read again at its end).
    /// </summary>
    /// <param name="typeName">The type's name as the schema and the errors call it.</param>
    /// <param name="members">Its members, in the order the view's indexes use.</param>
    /// <param name="createView">Creates an empty view of the type (the generated <c>T.Partial</c>).</param>
    /// <param name="build">Builds the type's value from a complete view, boxed.</param>
    public PartialShape(string typeName, PartialMember[] members, Func<PartialObject> createView, PartialValueBuilder<object?> build)
        : this(typeName, members, createView)
    {
        ArgumentNullException.ThrowIfNull(build);
        Build = build;
    }

    /// <summary>The type's name.</summary>
    public string TypeName { get; }

    /// <summary>
    /// Creates an empty view of the type, when the shape was given the factory. Without it a streamed extraction still
    /// fills in a view of the shape's members, but not one of the generated view type.
    /// </summary>
    internal Func<PartialObject>? CreateView { get; }

    /// <summary>Builds the value from a complete view, when the shape was given the builder.</summary>
    internal PartialValueBuilder<object?>? Build { get; }

    /// <summary>The members, in index order.</summary>
    public IReadOnlyList<PartialMember> Members => _members;

    /// <summary>The members, in index order, as the array they are kept in (indexed without an interface call).</summary>
    internal PartialMember[] MemberArray => _members;

    /// <summary>The index of the member whose JSON name is <paramref name="utf8JsonName"/> (matched exactly, as the parser does), or -1.</summary>
    internal int IndexOfJsonName(ReadOnlySpan<byte> utf8JsonName, int expected = 0)
    {
        // Members mostly come in the schema's order: the one after the last is tried first.
        if ((uint)expected < (uint)_members.Length && utf8JsonName.SequenceEqual(_members[expected].Utf8JsonName))
        {
            return expected;
        }

        for (int i = 0; i < _members.Length; i++)
        {
            if (utf8JsonName.SequenceEqual(_members[i].Utf8JsonName))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the member whose C# name is <paramref name="memberName"/>, or -1.</summary>
    internal int IndexOfMember(string memberName)
    {
        for (int i = 0; i < _members.Length; i++)
        {
            if (string.Equals(_members[i].MemberName, memberName, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
