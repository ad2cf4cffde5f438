#!/usr/bin/env bash
# Regenerates every figure in docs/benchmarks.md: the tables between its "results" markers are replaced.
#
#   benchmarks/run.sh            BenchmarkDotNet's default job (about 15 minutes on 2 cores)
#   JOB=short benchmarks/run.sh  ShortRun: quicker, wider error bars (for development, not for the doc)
#   NO_DOC=1 benchmarks/run.sh   print the tables, leave the doc alone
#
# Needs the .NET 10 SDK, hyperfine, and for the NativeAOT rows clang and zlib1g-dev:
#   apt-get install -y hyperfine clang zlib1g-dev
# Run it on a quiet machine: other builds running at the same time skew every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

job=${JOB:-default}
out=benchmarks/results
rm -rf "$out"
mkdir -p "$out"
tables="$out/tables.md"

command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 1; }

commit=$(git rev-parse --short HEAD)
dirty=$(git status --porcelain --untracked-files=no | grep -q . && echo " (with uncommitted changes)" || true)
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
{
  echo "Measured $(date -u +%Y-%m-%d) at commit \`$commit\`$dirty with BenchmarkDotNet job \`$job\`."
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr), .NET SDK $(dotnet --version);"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
} >"$tables"

echo "== Build (Release)"
for p in benchmarks/StructuredOutput.Benchmarks benchmarks/ColdStart.Ours benchmarks/ColdStart.Meai benchmarks/PromptTokens benchmarks/BatchOutputMemory samples/RecipeExtractor; do
  dotnet build "$p" -c Release -v quiet -nologo >/dev/null
done

echo "== BenchmarkDotNet: per call, parse, generator, repair, batch output file, local batch"
dotnet run -c Release --project benchmarks/StructuredOutput.Benchmarks --no-build -- \
  --filter '*' --job "$job" --artifacts "$out/bdn" --summary "$out/bdn-summary.md" | tee "$out/bdn.log" | grep -E '^\|' || true
{
  echo "### 1–2, 4, 7–9. BenchmarkDotNet"
  echo
  cat "$out/bdn-summary.md"
  echo "<details><summary>BenchmarkDotNet's own tables</summary>"
  echo
  for f in "$out"/bdn/results/*-report-github.md; do
    sed -n '/^|/p' "$f"
    echo
  done
  echo "</details>"
  echo
} >>"$tables"

echo "== Cold start: the first extraction in a fresh process"
ours=benchmarks/ColdStart.Ours/bin/Release/net10.0/ColdStart.Ours
meai=benchmarks/ColdStart.Meai/bin/Release/net10.0/ColdStart.Meai
aot_commands=()
if command -v clang >/dev/null; then
  dotnet publish benchmarks/ColdStart.Ours -c Release -r linux-x64 -p:PublishAot=true -o "$out/aot-coldstart" -v quiet -nologo >/dev/null
  aot_commands=(-n "ours, NativeAOT" "$out/aot-coldstart/ColdStart.Ours")
fi
hyperfine -N --warmup 3 --runs 30 --export-markdown "$out/coldstart.md" \
  -n "runtime start only (no extraction)" "$ours --none" \
  -n "ours (ExtractAsync)" "$ours" \
  -n "peer (GetResponseAsync<T>)" "$meai" \
  "${aot_commands[@]}" >/dev/null

# The first call alone, as each process measures it around the call: the median of 30 processes.
median_first_call() {
  for _ in $(seq 30); do "$1" | awk '{print $2}'; done | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
first_ours=$(median_first_call "$ours")
first_meai=$(median_first_call "$meai")
first_aot="–"
if [ ${#aot_commands[@]} -gt 0 ]; then first_aot=$(median_first_call "$out/aot-coldstart/ColdStart.Ours"); fi
{
  echo "### 3. Cold start"
  echo
  echo "Whole processes (hyperfine, 3 warm-ups, 30 runs):"
  echo
  cat "$out/coldstart.md"
  echo
  echo "The first call alone (stopwatch around the call inside the process; median of 30 processes):"
  echo
  echo "| ours (JIT) | peer (JIT) | peer ÷ ours | ours (NativeAOT) |"
  echo "|---:|---:|---:|---:|"
  echo "| $first_ours ms | $first_meai ms | $(awk -v a="$first_meai" -v b="$first_ours" 'BEGIN {printf "%.1f×", a / b}') | $first_aot ms |"
  echo
} >>"$tables"

echo "== Prompt tokens"
{
  echo "### 5. Prompt tokens (o200k_base)"
  echo
  dotnet run -c Release --project benchmarks/PromptTokens --no-build
  echo
} >>"$tables"

echo "== Batch output file: peak working set"
{
  echo "### 10. Batch output file: peak working set (each size read in a fresh process)"
  echo
  dotnet run -c Release --project benchmarks/BatchOutputMemory --no-build -- --megabytes 200
  echo
} >>"$tables"

echo "== NativeAOT: the sample"
if command -v clang >/dev/null; then
  dotnet publish samples/RecipeExtractor -c Release -r linux-x64 -p:PublishAot=true -o "$out/aot-sample" -nologo >"$out/aot-publish.log" 2>&1
  warnings=$(grep -cE ': warning [A-Z]+[0-9]+' "$out/aot-publish.log" || true)
  size=$(stat -c %s "$out/aot-sample/RecipeExtractor")
  env -u OPENAI_API_KEY hyperfine -N --warmup 2 --runs 20 --export-markdown "$out/aot-sample.md" \
    -n "NativeAOT sample --offline" "$out/aot-sample/RecipeExtractor --offline" \
    -n "JIT sample --offline" "samples/RecipeExtractor/bin/Release/net10.0/RecipeExtractor --offline" >/dev/null
  {
    echo "### 6. NativeAOT"
    echo
    echo "| trim/AOT warnings | binary size |"
    echo "|---:|---:|"
    echo "| $warnings | $(awk -v s="$size" 'BEGIN {printf "%.1f MB (%d bytes)", s / 1048576, s}') |"
    echo
    cat "$out/aot-sample.md"
    echo
  } >>"$tables"
else
  echo "clang is missing: the NativeAOT rows are left out (apt-get install -y clang zlib1g-dev)." | tee -a "$tables"
fi

if [ -z "${NO_DOC:-}" ]; then
  awk -v tables="$tables" '
    /<!-- results:begin -->/ { print; while ((getline line < tables) > 0) print line; skipping = 1; next }
    /<!-- results:end -->/ { skipping = 0 }
    !skipping { print }
  ' docs/benchmarks.md >"$out/benchmarks.md"
  mv "$out/benchmarks.md" docs/benchmarks.md
  echo "docs/benchmarks.md updated."
fi
cat "$tables"
