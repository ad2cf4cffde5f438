using System;
using System.Diagnostics;
using System.Globalization;
using StructuredOutput;
using StructuredOutput.Benchmarks.Payloads;

// One extraction in a fresh process: the cold-start comparison times this whole process (and, printed on the last
// line, the first call alone). "--none" exits before extracting: the cost of starting the runtime.
if (args.Length > 0 && args[0] == "--none")
{
    return 0;
}

var client = new FakeChatClient(PayloadTexts.Recipe);
long start = Stopwatch.GetTimestamp();
Recipe recipe = await client.ExtractAsync<Recipe>(PayloadTexts.Input);
TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
if (recipe.Ingredients.Count != 10)
{
    Console.Error.WriteLine("unexpected value");
    return 1;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first-call-ms {elapsed.TotalMilliseconds:F2} {recipe.Name}"));
return 0;
