using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace StructuredOutput.Tests.Writing;

/// <summary>
/// Structural equality for the tests: lists and arrays item by item, sets as sets, dictionaries key by key, objects
/// property by property; a <see cref="DateTime"/> with its kind, a <see cref="DateTimeOffset"/> with its offset, a URI
/// as its text. Returns where two values first differ, or null when they are equal.
/// </summary>
internal static class Structural
{
    public static string? Difference(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{path}: expected {Show(expected)}, found {Show(actual)}";
        }

        switch (expected)
        {
            case string or char or bool or Enum or Guid or DateOnly or TimeOnly or TimeSpan
                or sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal:
                return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, found {Show(actual)}";
            case DateTime time:
                return actual is DateTime t && time.Ticks == t.Ticks && time.Kind == t.Kind
                    ? null
                    : $"{path}: expected {time:O} ({time.Kind}), found {Show(actual)}";
            case DateTimeOffset instant:
                return actual is DateTimeOffset o && instant.EqualsExact(o) ? null : $"{path}: expected {instant:O}, found {Show(actual)}";
            case Uri uri:
                return actual is Uri u && uri.OriginalString == u.OriginalString ? null : $"{path}: expected {uri}, found {Show(actual)}";
            case IDictionary map:
            {
                if (actual is not IDictionary other || map.Count != other.Count)
                {
                    return $"{path}: expected a dictionary of {map.Count}, found {Show(actual)}";
                }

                foreach (DictionaryEntry entry in map)
                {
                    if (!other.Contains(entry.Key))
                    {
                        return $"{path}: the key {entry.Key} is missing";
                    }

                    if (Difference(entry.Value, other[entry.Key], path + "['" + entry.Key + "']") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            }

            case IEnumerable items when IsSet(expected.GetType()):
            {
                var left = items.Cast<object?>().ToHashSet();
                var right = ((IEnumerable)actual).Cast<object?>().ToHashSet();
                return left.SetEquals(right) ? null : $"{path}: the sets differ";
            }

            case IEnumerable items:
            {
                var left = items.Cast<object?>().ToList();
                var right = ((IEnumerable)actual).Cast<object?>().ToList();
                if (left.Count != right.Count)
                {
                    return $"{path}: expected {left.Count} items, found {right.Count}";
                }

                for (int i = 0; i < left.Count; i++)
                {
                    if (Difference(left[i], right[i], $"{path}[{i}]") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            }

            default:
                foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetIndexParameters().Length == 0
                        && Difference(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name) is { } d)
                    {
                        return d;
                    }
                }

                return null;
        }
    }

    private static bool IsSet(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISet<>));

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        _ => value.ToString() ?? "?",
    };
}
