using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StructuredOutput.Generator.Parsing;

/// <summary>
/// Reads XML documentation as plain text. Works whether or not the project generates a documentation file: when the
/// compiler did not parse doc comments, the <c>///</c> lines are read from the declaration's trivia.
/// </summary>
internal static class DocComments
{
    /// <summary>The text of the symbol's <c>&lt;summary&gt;</c>, or null.</summary>
    /// <param name="symbol">The documented symbol.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="cache">Parsed documentation by symbol, kept by the caller for the length of one contract.</param>
    public static string? Summary(ISymbol symbol, CancellationToken cancellationToken, Dictionary<ISymbol, XElement?>? cache = null) =>
        ElementText(Load(symbol, cache, cancellationToken), "summary", null);

    /// <summary>The text of the <c>&lt;param name="..."&gt;</c> in the type's documentation, or null.</summary>
    /// <param name="owner">The documented type or method.</param>
    /// <param name="parameterName">The parameter.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="cache">Parsed documentation by symbol, kept by the caller for the length of one contract.</param>
    public static string? Param(ISymbol owner, string parameterName, CancellationToken cancellationToken, Dictionary<ISymbol, XElement?>? cache = null) =>
        ElementText(Load(owner, cache, cancellationToken), "param", parameterName);

    // A positional record's documentation is read once per parameter; parsing its XML each time dominated the
    // generator's cost (ForAttributeWithMetadataName re-runs the parse of every contract after any edit).
    private static XElement? Load(ISymbol symbol, Dictionary<ISymbol, XElement?>? cache, CancellationToken cancellationToken)
    {
        if (cache is not null && cache.TryGetValue(symbol, out var cached))
        {
            return cached;
        }

        var root = Load(symbol, cancellationToken);
        if (cache is not null)
        {
            cache[symbol] = root;
        }

        return root;
    }

    private static XElement? Load(ISymbol symbol, CancellationToken cancellationToken)
    {
        string? xml = symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml))
        {
            xml = FromTrivia(symbol, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(xml))
        {
            return null;
        }

        try
        {
            var root = XElement.Parse(xml, LoadOptions.PreserveWhitespace);
            return root;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string? FromTrivia(ISymbol symbol, CancellationToken cancellationToken)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var node = reference.GetSyntax(cancellationToken);

            // A positional record's property is declared by its parameter, which carries no doc comment of its own.
            if (node is ParameterSyntax)
            {
                continue;
            }

            var sb = new StringBuilder();
            foreach (var trivia in node.GetLeadingTrivia())
            {
                if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia))
                {
                    sb.Append(trivia.ToFullString().Replace("///", string.Empty));
                }
                else if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia))
                {
                    string text = trivia.ToString();
                    if (text.StartsWith("///", StringComparison.Ordinal))
                    {
                        sb.Append(text.Substring(3)).Append('\n');
                    }
                }
                else if (trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                {
                    // A /** ... */ doc comment, which the compiler reads too when it parses documentation.
                    string text = trivia.ToFullString();
                    if (text.StartsWith("/**", StringComparison.Ordinal) && !text.StartsWith("/**/", StringComparison.Ordinal))
                    {
                        AppendBlockComment(sb, text);
                    }
                }
            }

            if (sb.Length > 0)
            {
                return "<doc>" + sb + "</doc>";
            }
        }

        return null;
    }

    // The text of a /** ... */ comment without its delimiters and without the '*' that may start each line.
    private static void AppendBlockComment(StringBuilder sb, string text)
    {
        string body = text.Substring(3);
        if (body.EndsWith("*/", StringComparison.Ordinal))
        {
            body = body.Substring(0, body.Length - 2);
        }

        foreach (string line in body.Split('\n'))
        {
            string trimmed = line.TrimStart();
            if (trimmed.StartsWith("*", StringComparison.Ordinal))
            {
                trimmed = trimmed.Substring(1);
            }

            sb.Append(trimmed.TrimEnd('\r')).Append('\n');
        }
    }

    private static string? ElementText(XElement? root, string element, string? name)
    {
        if (root is null)
        {
            return null;
        }

        var match = root.Descendants(element).FirstOrDefault(e => name is null || (string?)e.Attribute("name") == name);
        if (match is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        AppendText(match, sb);
        string text = Collapse(sb.ToString());
        return text.Length == 0 ? null : text;
    }

    private static void AppendText(XElement element, StringBuilder sb)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    sb.Append(text.Value);
                    break;
                case XElement child:
                    switch (child.Name.LocalName)
                    {
                        case "see":
                        case "seealso":
                            if (!child.IsEmpty)
                            {
                                AppendText(child, sb);
                            }
                            else if ((string?)child.Attribute("langword") is { } word)
                            {
                                sb.Append(word);
                            }
                            else if ((string?)child.Attribute("cref") is { } cref)
                            {
                                sb.Append(ShortCref(cref));
                            }
                            else if ((string?)child.Attribute("href") is { } href)
                            {
                                sb.Append(href);
                            }

                            break;
                        case "paramref":
                        case "typeparamref":
                            sb.Append((string?)child.Attribute("name"));
                            break;
                        case "para":
                        case "br":
                            sb.Append(' ');
                            AppendText(child, sb);
                            sb.Append(' ');
                            break;
                        default:
                            AppendText(child, sb);
                            break;
                    }

                    break;
            }
        }
    }

    private static string ShortCref(string cref)
    {
        string name = cref.Length > 2 && cref[1] == ':' ? cref.Substring(2) : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0)
        {
            name = name.Substring(0, paren);
        }

        int dot = name.LastIndexOf('.');
        return dot >= 0 ? name.Substring(dot + 1) : name;
    }

    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
