using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace StructuredOutput.Generator.Tests;

/// <summary>
/// The generator's stages depend one way: Parsing → Model ← Emitting. Parsing (symbols to model) knows nothing of
/// Emitting (model to source) and the other way round; the Model knows neither. Checked on the source files, with the
/// type names of each stage taken from the compiled generator.
/// </summary>
public class ArchitectureTests
{
    [Theory]
    [InlineData("Parsing", "Emitting")]
    [InlineData("Emitting", "Parsing")]
    [InlineData("Model", "Parsing")]
    [InlineData("Model", "Emitting")]
    public void AStageDoesNotReferenceAnother(string stage, string forbidden)
    {
        string folder = Path.Combine(GeneratorSourceRoot(), stage);
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);

        // The forbidden stage's namespace, and the names of the types declared in it.
        string ns = "StructuredOutput.Generator." + forbidden;
        var names = typeof(LlmExtractGenerator).Assembly.GetTypes()
            .Where(t => t.Namespace == ns && !t.IsNested && !t.Name.StartsWith('<'))
            .Select(t => t.Name.Split('`')[0])
            .Distinct()
            .ToList();
        Assert.NotEmpty(names);
        var pattern = new Regex(@"\b(" + Regex.Escape(forbidden) + "|" + string.Join("|", names.Select(Regex.Escape)) + @")\b");

        foreach (string file in files)
        {
            foreach (var (line, number) in File.ReadAllLines(file).Select((l, i) => (l, i + 1)))
            {
                string code = StripComment(line);
                var match = pattern.Match(code);
                Assert.False(match.Success, $"{stage}/{Path.GetFileName(file)}:{number} refers to {forbidden} ('{match.Value}'): {line.Trim()}");
            }
        }
    }

    // The code of a line: without a // comment and without string literals (which may name anything).
    private static string StripComment(string line)
    {
        string code = Regex.Replace(line, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        int comment = code.IndexOf("//", StringComparison.Ordinal);
        code = comment >= 0 ? code[..comment] : code;
        return code.TrimStart().StartsWith("///", StringComparison.Ordinal) || code.TrimStart().StartsWith('*') ? string.Empty : code;
    }

    private static string GeneratorSourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StructuredOutput.sln")))
            {
                return Path.Combine(dir.FullName, "src", "StructuredOutput.Generator");
            }
        }

        throw new InvalidOperationException("No StructuredOutput.sln above " + AppContext.BaseDirectory);
    }
}
