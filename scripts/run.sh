#!/usr/bin/env bash
# THE run command: starts a private Azurite, points the sample at it through
# AGENTFACTORY_STORAGE, and runs the sample. Arguments go to the sample.
# Azurite is stopped when the sample ends, fails, or on Ctrl-C.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

azurite_dir="$(mktemp -d "${TMPDIR:-/tmp}/agentfactory-azurite.XXXXXX")"
stop_azurite() {
  bash "$root/scripts/azurite.sh" stop "$azurite_dir" || true
  rm -rf "$azurite_dir"
}
# INT/TERM -> exit -> EXIT trap, so Ctrl-C also stops Azurite.
trap stop_azurite EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

AGENTFACTORY_STORAGE="$(bash "$root/scripts/azurite.sh" start "$azurite_dir")"
export AGENTFACTORY_STORAGE

# Not `exec`: the trap must still run after the sample exits.
dotnet run --project "$root/samples/AgentFactory.Sample" -c Release -- "$@"
