#!/usr/bin/env bash
# The package consumer test: what a team adopting StructuredOutput does, on the packages this tree packs.
#
#  1. Packs StructuredOutput and StructuredOutput.OpenAI with a unique pre-release version into a temporary folder feed,
#     and checks the packages (lib per framework, the generator and code fix under analyzers/dotnet/cs, the
#     dependencies, licence, readme, repository, symbols).
#  2. Creates fresh consumer projects outside the repository (mktemp), with a NuGet cache of their own (so no stale
#     copy can be used) and a nuget.config that lists only that folder and the registry sources configured on this
#     machine; the StructuredOutput packages may come from the folder only.
#  3. The README's quick start, pasted into Program.cs of a fresh `dotnet new console` project after the README's two
#     `dotnet add package` commands, built with warnings as errors and run against a loopback server.
#  4. A consumer for net8.0 and one for net10.0 that extract through the real OpenAI SDK against the loopback server
#     (a flawed answer rejected, the corrected one accepted). This machine may have only the .NET 10 runtime: the
#     net8.0 build then runs with DOTNET_ROLL_FORWARD=Major, and says so.
#  5. The README's set-up recipes and run-time input snippets, each compiled as written.
#  6. A deliberately broken contract: the build fails with the analyzer's LLMX001 and LLMX002.
#  7. A NativeAOT publish of the consumer with no trim or AOT warning, run against the loopback server; skipped, and
#     said so, when the native toolchain (clang, zlib) is missing.
#
# Each step prints "PASS: <step>" or "FAIL: <step>" (or "SKIP: <step> (skipped: why)"); the script exits 1 when any
# step failed. .ci/run counts the PASS and FAIL lines. STRUCTUREDOUTPUT_CONSUMER_KEEP=1 keeps the work folder.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
here="$repo/tests/consumer"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

started=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/structuredoutput-consumer.XXXXXX")"
case "$work/" in "$repo"/*) echo "FAIL: the work folder $work is inside the repository"; exit 1 ;; esac
suffix="consumer.$(date -u +%Y%m%d%H%M%S).$$"
prefix=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/Directory.Build.props")
version="$prefix-$suffix"
feed="$work/feed"
servers=()
passed=0
failed=0
skipped=0

cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [ "${STRUCTUREDOUTPUT_CONSUMER_KEEP:-0}" = 1 ]; then echo "Work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
skip() { echo "SKIP: $1 (skipped: $2)"; skipped=$((skipped + 1)); }
# Prints a log's last lines under a failed step.
show() { tail -n "${2:-40}" "$1" | sed 's/^/    /'; }

# Starts the loopback server with the given answer files; sets $url.
start_server() {
  local log="$work/server.$RANDOM.out"
  dotnet "$work/server/bin/LoopbackServer.dll" "$@" >"$log" 2>"$log.err" &
  servers+=("$!")
  url=""
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^LISTENING //p' "$log")
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  cat "$log.err"
  return 1
}

echo "== Package consumer test: version $version, work folder $work"

# --- 1. Pack --------------------------------------------------------------------------------------------------------
step="pack StructuredOutput and StructuredOutput.OpenAI $version into a folder feed"
if dotnet pack "$repo/src/StructuredOutput.Runtime" -c Release -o "$feed" -p:VersionSuffix="$suffix" -v quiet -nologo >"$work/pack.log" 2>&1 \
  && dotnet pack "$repo/src/StructuredOutput.OpenAI" -c Release -o "$feed" -p:VersionSuffix="$suffix" -v quiet -nologo >>"$work/pack.log" 2>&1 \
  && [ -f "$feed/StructuredOutput.$version.nupkg" ] && [ -f "$feed/StructuredOutput.OpenAI.$version.nupkg" ]; then
  pass "$step"
else
  fail "$step"; show "$work/pack.log"
  echo "${passed} consumer steps passed, ${failed} failed"
  exit 1
fi

# --- The packages' contents ------------------------------------------------------------------------------------------
# check_package NUPKG: lists the problems with the common metadata on stdout.
check_package() {
  local nupkg="$1" id="$2" nuspec listing
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  listing=$(unzip -l "$nupkg")
  grep -q "<version>$version</version>" <<<"$nuspec" || echo "version is not $version"
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || echo "no MIT licence expression"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || echo "no package readme"
  grep -q '<repository type="git" url="https://github.com/StructuredOutput/StructuredOutput"' <<<"$nuspec" || echo "no repository URL"
  grep -q '<description>.\{40,\}' <<<"$nuspec" || echo "no description"
  grep -q '<tags>' <<<"$nuspec" || echo "no tags"
  grep -qE ' README\.md$' <<<"$listing" || echo "README.md is not in the package"
  grep -qE ' LICENSE$' <<<"$listing" || echo "LICENSE is not in the package"
  for tfm in net8.0 net10.0; do
    grep -qE " lib/$tfm/$id\.dll$" <<<"$listing" || echo "no lib/$tfm/$id.dll"
    grep -qE " lib/$tfm/$id\.xml$" <<<"$listing" || echo "no lib/$tfm/$id.xml (XML docs)"
  done
  [ -f "${nupkg%.nupkg}.snupkg" ] || echo "no symbols package ${nupkg##*/}"
}
# The ids of a package's dependencies, one per line, once each.
dependency_ids() { unzip -p "$1" "$2.nuspec" | grep -o '<dependency id="[^"]*"' | sed 's/<dependency id="//; s/"$//' | sort -u; }

step="StructuredOutput package: lib for net8.0 and net10.0, generator and code fix under analyzers/dotnet/cs, its dependencies (Microsoft.Extensions.AI.Abstractions, plus Microsoft.Extensions.Logging.Abstractions and System.Threading.RateLimiting if used), licence, readme, repository, symbols"
pkg="$feed/StructuredOutput.$version.nupkg"
problems=$(check_package "$pkg" StructuredOutput)
listing=$(unzip -l "$pkg")
for dll in StructuredOutput.Generator StructuredOutput.CodeFixes; do
  grep -qE " analyzers/dotnet/cs/$dll\.dll$" <<<"$listing" || problems+=$'\n'"no analyzers/dotnet/cs/$dll.dll"
  grep -qE " lib/.*/$dll\.dll$" <<<"$listing" && problems+=$'\n'"$dll.dll is under lib/"
done
deps=$(dependency_ids "$pkg" StructuredOutput)
grep -qx 'Microsoft.Extensions.AI.Abstractions' <<<"$deps" || problems+=$'\n'"no dependency on Microsoft.Extensions.AI.Abstractions"
extra=$(grep -vxE 'Microsoft\.Extensions\.AI\.Abstractions|Microsoft\.Extensions\.Logging\.Abstractions|System\.Threading\.RateLimiting' <<<"$deps")
[ -z "$extra" ] || problems+=$'\n'"unexpected dependencies: $(tr '\n' ' ' <<<"$extra")"
if [ -z "$(tr -d '\n' <<<"$problems")" ]; then pass "$step"; else fail "$step"; sed 's/^/    /' <<<"$problems"; fi
echo "    contents:"; awk 'NR>3 && $4 != "" {print "      " $4}' <<<"$listing" | grep -vE '^\s*(_rels|package)/|\[Content_Types\]' 
echo "    dependencies: $(tr '\n' ' ' <<<"$deps")"

step="StructuredOutput.OpenAI package: depends on exactly StructuredOutput [$version] with its analyzers, OpenAI and Microsoft.Extensions.AI.OpenAI; licence, readme, repository, symbols"
pkg="$feed/StructuredOutput.OpenAI.$version.nupkg"
problems=$(check_package "$pkg" StructuredOutput.OpenAI)
nuspec=$(unzip -p "$pkg" StructuredOutput.OpenAI.nuspec)
# Exactly this version ([x.y.z], not x.y.z or later), in every target framework's group: the companion runs on the
# runtime's internals.
grep -q "<dependency id=\"StructuredOutput\" version=\"\[$version\]\"" <<<"$nuspec" || problems+=$'\n'"no dependency on exactly StructuredOutput [$version]"
grep '<dependency id="StructuredOutput"' <<<"$nuspec" | grep -qv "version=\"\[$version\]\"" && problems+=$'\n'"a dependency on StructuredOutput is not pinned to [$version]"
grep '<dependency id="StructuredOutput"' <<<"$nuspec" | grep -qi 'exclude="[^"]*Analyzers' && problems+=$'\n'"the dependency on StructuredOutput excludes its analyzers"
deps=$(dependency_ids "$pkg" StructuredOutput.OpenAI)
for d in OpenAI Microsoft.Extensions.AI.OpenAI; do grep -qx "$d" <<<"$deps" || problems+=$'\n'"no dependency on $d"; done
if [ -z "$(tr -d '\n' <<<"$problems")" ]; then pass "$step"; else fail "$step"; sed 's/^/    /' <<<"$problems"; fi
echo "    dependencies: $(tr '\n' ' ' <<<"$deps")"

# --- 2. A clean consumer environment ---------------------------------------------------------------------------------
export NUGET_PACKAGES="$work/nuget-packages"
# The registry sources this machine is configured with (enabled ones), read from NuGet itself outside the repository.
registries=$(cd / && dotnet nuget list source --format short 2>/dev/null | awk '$1 == "E" && $2 ~ /^http/ {print $2}')
if [ -z "$registries" ]; then echo "FAIL: no enabled NuGet registry source is configured (dotnet nuget list source)"; exit 1; fi
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"consumer-feed\" value=\"$feed\" />"
  n=0
  while read -r source; do
    n=$((n + 1)); echo "    <add key=\"registry$n\" value=\"$source\" />"
  done <<<"$registries"
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="consumer-feed"><package pattern="StructuredOutput" /><package pattern="StructuredOutput.*" /></packageSource>'
  for i in $(seq 1 "$n"); do echo "    <packageSource key=\"registry$i\"><package pattern=\"*\" /></packageSource>"; done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} >"$work/nuget.config"
# Keep the consumers clear of any Directory.Build.* or Directory.Packages.props above the work folder.
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$work/$f"; done

# fill TEMPLATE OUT TFM: a project file from a template.
fill() { sed -e "s/@VERSION@/$version/g" -e "s/@TFM@/${3:-net10.0}/g" "$1" >"$2"; }
# restored_from_feed PROJECT_DIR: fails unless the StructuredOutput packages were restored from the folder feed.
restored_from_feed() {
  local assets="$1/obj/project.assets.json" ok=0
  [ -f "$assets" ] || return 1
  grep -q "\"StructuredOutput/$version\"" "$assets" || ok=1
  [ -f "$NUGET_PACKAGES/structuredoutput/$version/structuredoutput.$version.nupkg" ] || ok=1
  cmp -s "$NUGET_PACKAGES/structuredoutput/$version/structuredoutput.$version.nupkg" "$feed/StructuredOutput.$version.nupkg" || ok=1
  return $ok
}

step="loopback server (test-only) builds"
mkdir -p "$work/server"
cp "$here/LoopbackServer/Program.cs" "$work/server/"
cp "$here/LoopbackServer/LoopbackServer.csproj.in" "$work/server/LoopbackServer.csproj"
if dotnet build "$work/server" -c Release -o "$work/server/bin" -v quiet -nologo >"$work/server-build.log" 2>&1; then
  pass "$step"
else
  fail "$step"; show "$work/server-build.log"
fi

# --- 3. The README's quick start in a fresh console project ----------------------------------------------------------
step="README quick start: dotnet new console + dotnet add package (both) + the quick start as Program.cs builds with warnings as errors and runs"
qs="$work/QuickStart"
{
  dotnet new console -o "$qs" --framework net10.0 --name QuickStart \
    && (cd "$qs" && dotnet add package StructuredOutput --version "$version" && dotnet add package StructuredOutput.OpenAI --version "$version") \
    && awk -v kind=quickstart -f "$here/readme-snippets.awk" "$repo/README.md" >"$qs/Program.cs" \
    && dotnet build "$qs" -warnaserror -nologo -v quiet
} >"$work/quickstart.log" 2>&1
qs_rc=$?
qs_out=""
if [ $qs_rc -eq 0 ] && start_server "$here/QuickStart/answer.json"; then
  qs_out=$(cd "$qs" && OPENAI_API_KEY=quickstart-key OPENAI_BASE_URL="$url" OPENAI_MODEL=quickstart-model dotnet run --no-build 2>&1)
  qs_rc=$?
fi
if [ $qs_rc -eq 0 ] && restored_from_feed "$qs" && grep -q "Pancakes" <<<"$qs_out"; then
  pass "$step"; sed 's/^/    /' <<<"$qs_out"
else
  fail "$step"; show "$work/quickstart.log"; sed 's/^/    /' <<<"$qs_out"
fi

# --- 4. Consumers on net8.0 and net10.0 ------------------------------------------------------------------------------
dotnet_runtimes=$(dotnet --list-runtimes)
for tfm in net8.0 net10.0; do
  dir="$work/Consumer-$tfm"
  mkdir -p "$dir"
  cp "$here/Consumer/Program.cs" "$dir/"
  fill "$here/Consumer/Consumer.csproj.in" "$dir/Consumer.csproj" "$tfm"
  major=${tfm#net}; major=${major%%.*}
  roll=""
  if ! grep -q "^Microsoft.NETCore.App $major\." <<<"$dotnet_runtimes"; then roll=Major; fi
  step="consumer $tfm: restore from the feed, build with warnings as errors, extract through the OpenAI SDK from the loopback server${roll:+ (no .NET $major runtime here: run with DOTNET_ROLL_FORWARD=Major on $(grep -o '^Microsoft.NETCore.App [0-9.]*' <<<"$dotnet_runtimes" | tail -n 1))}"
  out=""
  rc=1
  if dotnet build "$dir" -c Release -warnaserror -nologo -v quiet >"$dir.log" 2>&1 && start_server "$here"/Consumer/answers/*.json; then
    if [ -n "$roll" ]; then
      out=$(DOTNET_ROLL_FORWARD=$roll dotnet "$dir/bin/Release/$tfm/Consumer.dll" "$url" 2>&1)
    else
      out=$(dotnet "$dir/bin/Release/$tfm/Consumer.dll" "$url" 2>&1)
    fi
    rc=$?
  fi
  if [ $rc -eq 0 ] && restored_from_feed "$dir" && grep -q "^CONSUMER OK" <<<"$out" && grep -q "Attempt 1: rejected" <<<"$out"; then
    pass "$step"; sed 's/^/    /' <<<"$out"
  else
    fail "$step"; show "$dir.log"; sed 's/^/    /' <<<"$out"
  fi
done

# --- 5. The README's recipes -----------------------------------------------------------------------------------------
step="README set-up recipes (OpenAI, Azure OpenAI, Anthropic, Ollama, vLLM/llama.cpp, a gateway, the environment) and input snippets (an image, a PDF, a conversation, instructions) compile as written"
dir="$work/Recipes"
mkdir -p "$dir"
fill "$here/Recipes/Recipes.csproj.in" "$dir/Recipes.csproj"
cp "$here/Recipes/ReadmeContext.cs" "$dir/"   # the chat client and records the run-time snippets take as given
if awk -v kind=recipe -f "$here/readme-snippets.awk" "$repo/README.md" >"$dir/Recipes.cs" 2>"$dir.log" \
  && dotnet build "$dir" -warnaserror -nologo -v quiet >>"$dir.log" 2>&1; then
  pass "$step ($(grep -c '^internal static class ReadmeRecipe' "$dir/Recipes.cs") recipes)"
else
  fail "$step"; show "$dir.log"; sed 's/^/    /' "$dir/Recipes.cs"
fi

# --- 6. A broken contract --------------------------------------------------------------------------------------------
step="broken contract: the build fails with the analyzer's errors LLMX001 (not partial) and LLMX002 (unsupported member type)"
dir="$work/Broken"
mkdir -p "$dir"
cp "$here/Broken/Broken.cs" "$dir/"
fill "$here/Broken/Broken.csproj.in" "$dir/Broken.csproj"
dotnet build "$dir" -nologo -v quiet >"$dir.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "error LLMX001" "$dir.log" && grep -q "error LLMX002" "$dir.log"; then
  pass "$step"; grep -oE "error LLMX00[12]: [^[]*" "$dir.log" | sort -u | sed 's/^/    /'
else
  fail "$step (exit $rc)"; show "$dir.log"
fi

# --- 7. NativeAOT ----------------------------------------------------------------------------------------------------
step="NativeAOT publish of the net10.0 consumer: 0 trim/AOT warnings, and the native binary extracts from the loopback server"
case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64 | arm64) rid=linux-arm64 ;; *) rid="" ;; esac
missing=""
[ -n "$rid" ] || missing="no NativeAOT runtime for $(uname -m)"
command -v clang >/dev/null 2>&1 || missing="${missing:+$missing, }clang is not installed"
zlib=""
for f in /usr/lib/*/libz.so /usr/lib/libz.so /usr/lib64/libz.so /usr/local/lib/libz.so; do [ -e "$f" ] && zlib="$f"; done
[ -n "$zlib" ] || missing="${missing:+$missing, }zlib's development files (libz.so) are not installed"
if [ -n "$missing" ]; then
  skip "$step" "$missing"
else
  dir="$work/Aot"
  mkdir -p "$dir"
  cp "$here/Consumer/Program.cs" "$dir/"
  fill "$here/Consumer/Consumer.csproj.in" "$dir/Consumer.csproj" net10.0
  dotnet publish "$dir" -c Release -r "$rid" -p:PublishAot=true -p:StripSymbols=false -o "$dir/publish" -nologo -v minimal >"$dir.log" 2>&1
  rc=$?
  warnings=$(grep -oE "warning (IL[0-9]+|AOT[0-9]+)[^[]*" "$dir.log" | sort -u)
  out=""
  if [ $rc -eq 0 ] && [ -z "$warnings" ] && [ -x "$dir/publish/Consumer" ] && start_server "$here"/Consumer/answers/*.json; then
    out=$("$dir/publish/Consumer" "$url" 2>&1)
    rc=$?
  fi
  if [ $rc -eq 0 ] && [ -z "$warnings" ] && grep -q "^CONSUMER OK.*NativeAOT" <<<"$out"; then
    pass "$step"; sed 's/^/    /' <<<"$out"; echo "    native binary: $(du -h "$dir/publish/Consumer" | cut -f1)"
  else
    fail "$step (exit $rc)"; [ -n "$warnings" ] && sed 's/^/    /' <<<"$warnings"; show "$dir.log" 20; sed 's/^/    /' <<<"$out"
  fi
fi

echo "Package consumer test: ${passed} passed, ${failed} failed, ${skipped} skipped in $(( $(date +%s) - started )) s"
[ $failed -eq 0 ]
