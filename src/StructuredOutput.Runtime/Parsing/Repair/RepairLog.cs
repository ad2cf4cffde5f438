using System.Collections.Generic;
using System.Globalization;

namespace StructuredOutput.Parsing.Repair;

/// <summary>
/// The repairs of one reading of an answer, in order. The list is bounded: a hostile answer with a million trailing
/// commas yields fifty entries and a count of the rest, not a million strings.
/// </summary>
internal sealed class RepairLog
{
    /// <summary>How many repairs are listed before the rest are only counted.</summary>
    public const int MaxListed = 50;

    private readonly List<string> _listed = new();
    private int _count;

    /// <summary>The number of repairs recorded (listed or not).</summary>
    public int Count => _count;

    /// <summary>Records a repair.</summary>
    public void Add(string description)
    {
        _count++;
        if (_listed.Count < MaxListed)
        {
            _listed.Add(description);
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
