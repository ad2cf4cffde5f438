using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace StructuredOutput.Reading.Repair;

/// <summary>
/// The repairs of one reading of an answer, in order. The list is bounded: a hostile answer with a million trailing
/// commas yields fifty entries and a count of the rest, not a million strings (the text of a repair that will not be
/// listed is not even formatted; see <see cref="RepairMessage"/>).
/// </summary>
internal sealed class RepairLog
{
    /// <summary>How many repairs are listed before the rest are only counted.</summary>
    public const int MaxListed = 50;

    private readonly List<string> _listed = new();
    private int _count;

    /// <summary>Whether the next repair will be listed.</summary>
    public bool Listing => _listed.Count < MaxListed;

    /// <summary>Records a repair.</summary>
    public void Add(string description)
    {
        _count++;
        if (Listing)
        {
            _listed.Add(description);
        }
    }

    /// <summary>Records a repair, formatting its text only when it will be listed.</summary>
    public void Add([InterpolatedStringHandlerArgument("")] ref RepairMessage description)
    {
        _count++;
        string? text = description.ToStringAndClear();
        if (text is not null)
        {
            _listed.Add(text);
        }
    }

    /// <summary>Copies the repairs into a parse context, with a closing count of those not listed.</summary>
    public void CopyTo(JsonReadContext context)
    {
        foreach (string repair in _listed)
        {
            context.AddRepair(repair);
        }

        if (_count > _listed.Count)
        {
            context.AddRepair($"{(_count - _listed.Count).ToString(CultureInfo.InvariantCulture)} more repairs are not listed.");
        }
    }
}

/// <summary>Formats a repair's text only when the <see cref="RepairLog"/> will list it.</summary>
[InterpolatedStringHandler]
internal ref struct RepairMessage
{
    private DefaultInterpolatedStringHandler _builder;
    private readonly bool _enabled;

    public RepairMessage(int literalLength, int formattedCount, RepairLog log, out bool enabled)
    {
        _enabled = enabled = log.Listing;
        _builder = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture) : default;
    }

    public void AppendLiteral(string value) => _builder.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _builder.AppendFormatted(value);

    public void AppendFormatted(string? value) => _builder.AppendFormatted(value);

    public void AppendFormatted(ReadOnlySpan<char> value) => _builder.AppendFormatted(value);

    public string? ToStringAndClear() => _enabled ? _builder.ToStringAndClear() : null;
}
