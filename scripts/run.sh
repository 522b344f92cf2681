#!/usr/bin/env bash
# THE run command: installs what is missing, starts a private Azurite, and runs the app on
# http://localhost:7071 against it, in the Development environment, with a development key
# (tenant dev, role automation) printed once to the console together with a curl line to try it.
# Arguments go to the app (e.g. --urls http://localhost:8080).
# Azurite is stopped when the app ends or fails, and on Ctrl-C or SIGTERM to this script.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
source "$root/scripts/lib.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# bubblewrap: the local container runtime runs agents (and their sandbox tests) in it.
# npm packages (Azurite) are installed by azurite.sh when node_modules lacks them.
ensure_apt_packages bubblewrap

app_pid=""
azurite_dir="$(mktemp -d "${TMPDIR:-/tmp}/agentfactory-azurite.XXXXXX")"

# The app runs in a process group of its own (setsid): `dotnet run` and the app it starts are
# stopped together, gracefully first, whether this script got Ctrl-C, SIGTERM or the app died.
stop_app() {
  [[ -n "$app_pid" ]] || return 0
  local i
  kill -TERM -- "-$app_pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 -- "-$app_pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$app_pid" 2>/dev/null || true
  app_pid=""
}
cleanup() {
  stop_app
  bash "$root/scripts/azurite.sh" stop "$azurite_dir" || true
  rm -rf "$azurite_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

AGENTFACTORY_STORAGE="$(bash "$root/scripts/azurite.sh" start "$azurite_dir")"
export AGENTFACTORY_STORAGE
# Agents get an account of their own, as in Azure (this Azurite serves a second one: AGENTFACTORY_AGENTS_STORAGE).
# shellcheck source=/dev/null
source "$azurite_dir/env"
export AgentFactory__Provisioning__Storage="${AgentFactory__Provisioning__Storage:-$AGENTFACTORY_AGENTS_STORAGE}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export AgentFactory__Auth__CreateDevelopmentKey=true
# Secrets of configurations are encrypted at rest; this run's Azurite is fresh, so is its key.
export AgentFactory__Secrets__Key="${AgentFactory__Secrets__Key:-$(head -c 32 /dev/urandom | base64)}"

echo "run.sh: starting the app (dotnet run -c Release); health: curl http://localhost:7071/api/health" >&2
setsid dotnet run -c Release --project "$root/src/AgentFactory.Functions" -- "$@" </dev/null &
app_pid=$!
# `wait` returns early when a trapped signal arrives; the trap then exits through cleanup.
rc=0
wait "$app_pid" || rc=$?
exit "$rc"
