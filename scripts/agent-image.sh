#!/usr/bin/env bash
# Writes the build context of the agent image (src/AgentFactory.AgentRuntime/Dockerfile): the Dockerfile and
# program/ (the agent program, published framework-dependent: the image brings the .NET runtime). Build and push it
# with your registry, e.g.
#   az acr build --registry <name> --image agent-runtime:1.0 <output>
# and give the image to the deployment (AGENTFACTORY_AGENT_IMAGE, docs/DEPLOYMENT.md).
#
# Usage: scripts/agent-image.sh [--output DIR] [--no-build]
#   --output DIR   where the context goes (default: publish-agent-image/); emptied first
#   --no-build     publish the existing Release build (tests use it)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/publish-agent-image"
build_args=()
while (($#)); do
  case "$1" in
    --output) out="$(realpath -m "$2")"; shift 2 ;;
    --no-build) build_args=(--no-build --no-restore); shift ;;
    *) echo "agent-image.sh: unknown argument '$1' (see the header of this script)" >&2; exit 2 ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rm -rf "$out"
mkdir -p "$out"
dotnet publish "$root/src/AgentFactory.AgentRuntime/AgentFactory.AgentRuntime.csproj" -c Release -o "$out/program" "${build_args[@]}" </dev/null
cp "$root/src/AgentFactory.AgentRuntime/Dockerfile" "$out/Dockerfile"
echo "agent-image.sh: build context in $out (docker build / az acr build it)"
