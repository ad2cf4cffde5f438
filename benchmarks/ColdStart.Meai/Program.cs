using System;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using StructuredOutput.Benchmarks.Payloads;

// One GetResponseAsync<T> call in a fresh process, with its defaults, the typed value read through Result: the
// peer's side of the cold-start comparison. "--none" exits before extracting: the cost of starting the runtime.
if (args.Length > 0 && args[0] == "--none")
{
    return 0;
}

var client = new FakeChatClient(PayloadTexts.Recipe);
long start = Stopwatch.GetTimestamp();
Recipe recipe = (await client.GetResponseAsync<Recipe>(PayloadTexts.Input)).Result;
TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
if (recipe.Ingredients.Count != 10)
{
    Console.Error.WriteLine("unexpected value");
    return 1;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first-call-ms {elapsed.TotalMilliseconds:F2} {recipe.Name}"));
return 0;
