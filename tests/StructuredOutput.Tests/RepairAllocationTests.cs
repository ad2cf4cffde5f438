using System;
using System.Globalization;
using System.Text;

namespace StructuredOutput.Tests;

/// <summary>
/// The repair path's allocation, in bytes (deterministic, unlike time): a long answer with one malformation costs a
/// small multiple of the strict parse of the same answer written correctly, not a multiple of its length.
/// </summary>
public class RepairAllocationTests
{
    private const double Bound = 4.0;

    public static TheoryData<string> Malformations => new() { "missing comma", "trailing comma", "single quotes" };

    [Theory]
    [MemberData(nameof(Malformations))]
    public void A_200_KB_answer_with_one_repair_allocates_less_than_four_times_the_strict_parse(string malformation)
    {
        string valid = LongDish(200_000);
        string broken = Break(valid, malformation);

        long strict = Allocated(valid, expectedRepairs: 0);
        long repaired = Allocated(broken, expectedRepairs: 1);

        Assert.True(
            repaired < Bound * strict,
            $"{malformation}: the repair path allocated {repaired:N0} bytes, {(double)repaired / strict:F2} times the strict parse's {strict:N0}");
    }

    // Bytes allocated by one parse on this thread, after a first parse has warmed the code and the buffer pools.
    private static long Allocated(string answer, int expectedRepairs)
    {
        var warm = LlmContract<Dish>.Parse(answer);
        Assert.True(warm.IsSuccess, string.Join("; ", warm.Errors));
        Assert.Equal(expectedRepairs, warm.Repairs.Count);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = LlmContract<Dish>.Parse(answer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(result.IsSuccess);
        return allocated;
    }

    // A dish whose tags make the answer about 'length' characters long.
    private static string LongDish(int length)
    {
        var sb = new StringBuilder("{\"name\":\"Pasta\",\"servings\":2,\"vegetarian\":true,\"rating\":4.5,\"tags\":[");
        for (int i = 0; sb.Length < length; i++)
        {
            sb.Append(i == 0 ? "\"" : ", \"").Append("tag number ").Append(i.ToString(CultureInfo.InvariantCulture)).Append('"');
        }

        return sb.Append("]}").ToString();
    }

    // One malformation: a comma dropped in the middle, a comma added at the end, or single quotes in the middle.
    private static string Break(string valid, string malformation)
    {
        int middle = valid.IndexOf(", \"", valid.Length / 2, StringComparison.Ordinal);
        switch (malformation)
        {
            case "missing comma":
                return valid.Remove(middle, 1);
            case "trailing comma":
                return valid.Insert(valid.Length - 2, ",");
            default:
                int open = middle + 2;
                int close = valid.IndexOf('"', open + 1);
                return valid.Substring(0, open) + "'" + valid.Substring(open + 1, close - open - 1) + "'" + valid.Substring(close + 1);
        }
    }
}
