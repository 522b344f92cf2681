#!/usr/bin/env bash
# Builds the deployable Azure Functions layout of the app (a custom handler) in one folder:
#   host.json                the Functions host's settings (customHandler, routePrefix, logging)
#   <Function>/function.json one folder per HTTP function (copied from functions/, kept in step by a test)
#   app/                     the app: AgentFactory.Functions (executable) with its dependencies
#   app/agent-runtime/       the agent program (the local sandbox runs it from there)
# Then zip it (cd OUT && zip -r ../app.zip .) and deploy it: docs/DEPLOYMENT.md.
#
# Usage: scripts/publish.sh [--output DIR] [--framework-dependent] [--no-build]
#   --output DIR            where the layout goes (default: publish/); emptied first
#   --framework-dependent   use the machine's .NET instead of bundling it (default: self-contained
#                           linux-x64, because the Functions image promises no .NET 10 runtime)
#   --no-build              framework-dependent only: publish the existing Release build (tests use it)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/publish"
self_contained=1
build=1
while (($#)); do
  case "$1" in
    --output) out="$(realpath -m "$2")"; shift 2 ;;
    --framework-dependent) self_contained=0; shift ;;
    --no-build) build=0; shift ;;
    *) echo "publish.sh: unknown argument '$1' (see the header of this script)" >&2; exit 2 ;;
  esac
done
if ((self_contained && !build)); then
  echo "publish.sh: --no-build needs --framework-dependent (a self-contained publish builds for linux-x64)" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf "$out"
mkdir -p "$out/app"

app_args=(-c Release -o "$out/app" -p:UseAppHost=true)
agent_args=(-c Release -o "$out/app/agent-runtime")
if ((self_contained)); then
  app_args+=(-r linux-x64 --self-contained true)
fi
if ((!build)); then
  app_args+=(--no-build --no-restore)
  agent_args+=(--no-build --no-restore)
fi

dotnet publish "$root/src/AgentFactory.Functions/AgentFactory.Functions.csproj" "${app_args[@]}" </dev/null
# The agent program keeps its own deps.json, so it is published on its own (as the build copies it).
dotnet publish "$root/src/AgentFactory.AgentRuntime/AgentFactory.AgentRuntime.csproj" "${agent_args[@]}" </dev/null

cp "$root/host.json" "$out/host.json"
for dir in "$root"/functions/*/; do
  name="$(basename "$dir")"
  mkdir -p "$out/$name"
  cp "$dir/function.json" "$out/$name/function.json"
done
chmod +x "$out/app/AgentFactory.Functions"
echo "publish.sh: layout in $out ($(find "$out" -name function.json | wc -l) functions)"
