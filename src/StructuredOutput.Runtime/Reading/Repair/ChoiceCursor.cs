using System.Collections.Generic;

namespace StructuredOutput.Reading.Repair;

/// <summary>
/// Walks the tree of readings of an ambiguous answer. Each place where the text can be read in more than one way (a
/// quote that may end a string or belong to it, a closing bracket of the wrong kind) is a choice point; one scan
/// follows one path through them, and <see cref="Advance"/> moves to the next path, depth first.
/// </summary>
internal sealed class ChoiceCursor
{
    private readonly List<int> _chosen = new();
    private readonly List<int> _counts = new();
    private int _next;

    /// <summary>Picks one of <paramref name="count"/> alternatives at the next choice point of the current scan.</summary>
    public int Choose(int count)
    {
        if (_next < _chosen.Count)
        {
            return _chosen[_next++];
        }

        _chosen.Add(0);
        _counts.Add(count);
        _next++;
        return 0;
    }

    /// <summary>Moves to the next untried path; false when every path has been tried.</summary>
    public bool Advance()
    {
        _next = 0;
        for (int i = _chosen.Count - 1; i >= 0; i--)
        {
            if (_chosen[i] + 1 < _counts[i])
            {
                _chosen[i]++;
                _chosen.RemoveRange(i + 1, _chosen.Count - i - 1);
                _counts.RemoveRange(i + 1, _counts.Count - i - 1);
                return true;
            }
        }

        return false;
    }
}
