# Prints the C# code blocks of a Markdown file that follow a line "<!-- compiled: KIND -->", for KIND given as
# -v kind=...: for "quickstart" the block as it is; for "recipe" each block as a class with one method, its using
# directives gathered (once each) at the top of the file.
/^<!-- compiled: [a-z]+ -->$/ { marked = ($3 == kind); next }
marked && /^```csharp$/ { inside = 1; block++; next }
inside && /^```$/ { inside = 0; marked = 0; next }
inside {
  if (kind == "quickstart") { print; next }
  if ($0 ~ /^using [A-Za-z0-9_.]+;$/) { if (!($0 in seen)) { seen[$0] = 1; usings[++u] = $0 } ; next }
  body[block] = body[block] $0 "\n"
  next
}
END {
  if (kind == "recipe") {
    for (i = 1; i <= u; i++) print usings[i]
    print ""
    for (b = 1; b <= block; b++) {
      printf "internal static class ReadmeRecipe%d\n{\n    public static async Task RunAsync()\n    {\n        await Task.CompletedTask;\n%s    }\n}\n\n", b, body[b]
    }
  }
  if (block == 0) { print "no block marked <!-- compiled: " kind " -->" > "/dev/stderr"; exit 1 }
}
