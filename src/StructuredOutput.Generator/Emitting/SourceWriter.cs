using System.Text;

namespace StructuredOutput.Generator.Emitting;

/// <summary>An indented text writer for generated C#.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    /// <summary>The spaces a line written now starts with.</summary>
    public string Indentation => new(' ', _indent * 4);

    /// <summary>Writes a line; a text of several lines (a raw string literal) keeps the indentation it has.</summary>
    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _sb.Append(' ', _indent * 4);
        }

        _sb.Append(text).Append('\n');
        return this;
    }

    /// <summary>Writes a blank line, unless the text already ends with one.</summary>
    public SourceWriter Separate()
    {
        if (!(_sb.Length >= 2 && _sb[_sb.Length - 1] == '\n' && _sb[_sb.Length - 2] == '\n'))
        {
            _sb.Append('\n');
        }

        return this;
    }

    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        // No blank line before a closing brace.
        if (_sb.Length >= 2 && _sb[_sb.Length - 1] == '\n' && _sb[_sb.Length - 2] == '\n')
        {
            _sb.Length--;
        }

        _indent--;
        Line("}" + suffix);
        return this;
    }

    public override string ToString() => _sb.ToString();
}
