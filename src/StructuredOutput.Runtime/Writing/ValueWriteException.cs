using System;
using System.Text;
using StructuredOutput.Reading;

namespace StructuredOutput.Writing;

/// <summary>
/// A value the contract has no JSON for. Thrown where the value is met and given its JSON path on the way out, one
/// segment per enclosing property or item, so the message names the path as a parse error would
/// (<c>$.lines[2].priority: 7 is not a member of Priority</c>).
/// </summary>
internal sealed class ValueWriteException : ArgumentException
{
    private readonly string _problem;
    private string _path = string.Empty;

    public ValueWriteException(string problem, Exception? innerException = null)
        : base(problem, innerException)
    {
        _problem = problem;
    }

    /// <summary>The JSON path of the value, such as <c>$.lines[2].priority</c>.</summary>
    public string Path => JsonPath.Root + _path;

    /// <summary>What is wrong with the value.</summary>
    public string Problem => _problem;

    /// <inheritdoc/>
    public override string Message => Path + ": " + _problem;

    /// <summary>Puts the segment of an enclosing property or item before the path so far.</summary>
    public void Prepend(string segment) => _path = segment + _path;

    /// <summary>The segment of a property whose UTF-8 name the generated code holds.</summary>
    public static string PropertySegment(ReadOnlySpan<byte> utf8Name) => JsonPath.Property(Encoding.UTF8.GetString(utf8Name));
}
