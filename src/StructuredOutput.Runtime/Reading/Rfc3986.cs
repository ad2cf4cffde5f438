using System;
using System.Net;
using System.Net.Sockets;

namespace StructuredOutput.Reading;

/// <summary>
/// The RFC 3986 grammar of an absolute URI (the JSON Schema format <c>uri</c>): a scheme, a colon, an optional
/// <c>//</c> authority, a path, a query and a fragment, in ASCII, every other character percent-encoded. <see cref="Uri"/>
/// alone is looser (it escapes spaces, takes Unicode hosts and, on Unix, a rooted path as a file URI), so the text is
/// checked here first.
/// </summary>
internal static class Rfc3986
{
    /// <summary>Whether <paramref name="text"/> is an absolute URI: <c>scheme ":" hier-part ["?" query] ["#" fragment]</c>.</summary>
    public static bool IsAbsoluteUri(ReadOnlySpan<char> text)
    {
        int colon = text.IndexOf(':');
        if (colon < 1 || !IsScheme(text.Slice(0, colon)))
        {
            return false;
        }

        ReadOnlySpan<char> rest = text.Slice(colon + 1);
        int hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            if (!AllOf(rest.Slice(hash + 1), "/?"))
            {
                return false;
            }

            rest = rest.Slice(0, hash);
        }

        int question = rest.IndexOf('?');
        if (question >= 0)
        {
            if (!AllOf(rest.Slice(question + 1), "/?"))
            {
                return false;
            }

            rest = rest.Slice(0, question);
        }

        if (rest.StartsWith("//"))
        {
            rest = rest.Slice(2);
            int slash = rest.IndexOf('/');
            ReadOnlySpan<char> authority = slash < 0 ? rest : rest.Slice(0, slash);
            if (!IsAuthority(authority))
            {
                return false;
            }

            rest = slash < 0 ? ReadOnlySpan<char>.Empty : rest.Slice(slash);
        }

        return AllOf(rest, "/");
    }

    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (char c in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    // authority = [ userinfo "@" ] host [ ":" port ]
    private static bool IsAuthority(ReadOnlySpan<char> authority)
    {
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!AllOf(authority.Slice(0, at), ":", allowAt: false))
            {
                return false;
            }

            authority = authority.Slice(at + 1);
        }

        if (authority.StartsWith("["))
        {
            int close = authority.IndexOf(']');
            if (close < 0 || !IsIpLiteral(authority.Slice(1, close - 1)))
            {
                return false;
            }

            authority = authority.Slice(close + 1);
            return authority.IsEmpty || (authority[0] == ':' && IsPort(authority.Slice(1)));
        }

        int colon = authority.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!IsPort(authority.Slice(colon + 1)))
            {
                return false;
            }

            authority = authority.Slice(0, colon);
        }

        // reg-name = *( unreserved / pct-encoded / sub-delims ); an IPv4 address is one too.
        return AllOf(authority, string.Empty, allowAt: false, allowColon: false);
    }

    private static bool IsPort(ReadOnlySpan<char> port)
    {
        foreach (char c in port)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
    private static bool IsIpLiteral(ReadOnlySpan<char> literal)
    {
        if (literal.Length > 1 && literal[0] is 'v' or 'V')
        {
            int dot = literal.IndexOf('.');
            if (dot < 2 || dot == literal.Length - 1)
            {
                return false;
            }

            foreach (char c in literal.Slice(1, dot - 1))
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return false;
                }
            }

            return AllOf(literal.Slice(dot + 1), ":", allowAt: false, allowPercent: false);
        }

        foreach (char c in literal)
        {
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.'))
            {
                return false; // a zone identifier (%25eth0) is not in RFC 3986
            }
        }

        return IPAddress.TryParse(literal, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    // Every character is unreserved, percent-encoded, a sub-delimiter, or one of 'extra' (and ':' and '@' as allowed).
    private static bool AllOf(ReadOnlySpan<char> part, string extra, bool allowAt = true, bool allowColon = true, bool allowPercent = true)
    {
        for (int i = 0; i < part.Length; i++)
        {
            char c = part[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'
                || c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '='
                || (c == ':' && allowColon) || (c == '@' && allowAt) || extra.Contains(c))
            {
                continue;
            }

            if (c == '%' && allowPercent && i + 2 < part.Length && char.IsAsciiHexDigit(part[i + 1]) && char.IsAsciiHexDigit(part[i + 2]))
            {
                i += 2;
                continue;
            }

            return false;
        }

        return true;
    }
}
