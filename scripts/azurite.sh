#!/usr/bin/env bash
# Start/stop a private Azurite (local Azure Storage emulator) for tests and the sample.
#
#   scripts/azurite.sh start [DIR]   -> prints one line: the storage connection string
#   scripts/azurite.sh stop  [DIR]
#
# The instance serves two accounts: Azurite's default devstoreaccount1 (the printed
# connection string, and UseDevelopmentStorage=true) and agentsaccount, the agents'
# own account (AgentFactory:Provisioning:Storage). DIR/env exports both connection
# strings: AGENTFACTORY_STORAGE and AGENTFACTORY_AGENTS_STORAGE.
#
# Each instance gets its own DIR (data, log, pid, env) and its own free ports, so
# several can run at once (parallel test runs, a CI run beside a dev session).
# DIR defaults to .azurite/run-<time>-<pid> under the repo; `stop` without DIR
# stops the last instance started with the default DIR (.azurite/last).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Azurite's fixed dev account; the key is public and the same in every Azurite.
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
# The second account, for agents; its key is as public as the first (tests/Shared/AzuriteConnection.cs has it too).
agents_account=agentsaccount
agents_key='WnDQvtyuPedPrJDdnSq+5wsAjixN5359XSBWZdVQQngd0k448YRhc6lJRx2ObKkrU21KEdQ9E53l3rgf8NG8IA=='
ready_timeout="${AZURITE_READY_TIMEOUT:-60}"   # seconds to wait for all three ports

die() { echo "azurite.sh: $*" >&2; exit 1; }

# Make DIR absolute relative to the caller's cwd, before anything cd's elsewhere.
abs_dir() { mkdir -p "$1" && (cd "$1" && pwd); }

# npm deps (Azurite, and @azure/web-pubsub-client for the live-progress tests);
# install them from the committed lock when either is missing. flock: two instances starting at once on a fresh clone must not run
# `npm ci` concurrently into the same node_modules.
npm_deps_present() {
  [[ -x "$root/node_modules/.bin/azurite" && -f "$root/node_modules/@azure/web-pubsub-client/package.json" ]]
}

ensure_npm_deps() {
  npm_deps_present && return 0
  command -v npm >/dev/null || die "npm not found: install Node.js (>= 20) and npm"
  mkdir -p "$root/.azurite"
  (
    flock 9
    if ! npm_deps_present; then
      echo "azurite.sh: installing npm dependencies (npm ci)" >&2
      # stdout -> stderr: our stdout is reserved for the connection string.
      (cd "$root" && npm ci --no-audit --no-fund </dev/null) >&2
    fi
  ) 9>"$root/.azurite/npm.lock"
  npm_deps_present || die "npm ci did not install azurite and @azure/web-pubsub-client"
}

# Three distinct free ports, asked from the kernel (bind to port 0) by node,
# which is already required for Azurite, so no extra tool is needed. All three
# sockets stay open until all are chosen, so they differ from each other.
free_ports() {
  node -e '
    const net = require("net");
    const servers = [0, 1, 2].map(() => net.createServer());
    let left = 3;
    for (const s of servers) s.listen(0, "127.0.0.1", () => {
      if (--left) return;
      console.log(servers.map(x => x.address().port).join(" "));
      servers.forEach(x => x.close());
    });'
}

# The connection string of account $1 (key $2) on this instance's ports (p1 p2 p3 of start).
connection() {
  echo "DefaultEndpointsProtocol=http;AccountName=$1;AccountKey=$2;BlobEndpoint=http://127.0.0.1:$p1/$1;QueueEndpoint=http://127.0.0.1:$p2/$1;TableEndpoint=http://127.0.0.1:$p3/$1;"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Alive AND still Azurite: a stale pid file must not make us kill a reused pid.
alive() { kill -0 "$1" 2>/dev/null && grep -qa azurite "/proc/$1/cmdline" 2>/dev/null; }

# Kill the whole process group (Azurite runs as its own session/group leader,
# so this also takes any child it spawned) and wait for it to be gone.
kill_tree() {
  local pid="$1" i
  alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do alive "$pid" || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do alive "$pid" || return 0; sleep 0.1; done
  die "process $pid did not exit"
}

start() {
  local dir
  if [[ $# -ge 1 && -n "$1" ]]; then
    dir="$(abs_dir "$1")"
  else
    dir="$(abs_dir "$root/.azurite/run-$(date +%Y%m%d-%H%M%S)-$$")"
    ln -sfn "$dir" "$root/.azurite/last"
  fi
  [[ -f "$dir/azurite.pid" ]] && alive "$(cat "$dir/azurite.pid")" \
    && die "an Azurite is already running for $dir (pid $(cat "$dir/azurite.pid"))"

  ensure_npm_deps
  mkdir -p "$dir/data"

  # Free ports can still be taken by someone else between choosing and binding;
  # Azurite then exits (EADDRINUSE), so retry with fresh ports a few times.
  local attempt job pid p1 p2 p3 deadline i conn
  for attempt in 1 2 3; do
    read -r p1 p2 p3 < <(free_ports)
    [[ -n "${p3:-}" ]] || die "could not pick free ports"
    rm -f "$dir/azurite.pid"
    # setsid: own session and process group, so `stop` can kill it with its
    # children, and a Ctrl-C in the caller's terminal does not reach it directly.
    # The inner shell writes its own pid (== the group id) then execs Azurite, so
    # the pid file holds Azurite's pid whether or not setsid had to fork.
    # No stdin, output to the log (fresh per attempt): `$(azurite.sh start)`
    # must not hang on an inherited stdout.
    # --disableTelemetry: otherwise Azurite opens connections to the cloud metadata
    # address (169.254.169.254), which keep it alive after SIGTERM (stop then
    # needed the 10 s KILL fallback) and are traffic to a non-local address.
    # AZURITE_ACCOUNTS replaces the default account, so devstoreaccount1 is listed again, with its usual key.
    AZURITE_ACCOUNTS="$account:$key;$agents_account:$agents_key" \
      setsid bash -c 'echo $$ >"$1/azurite.pid"; shift; exec "$@"' _ "$dir" \
      "$root/node_modules/.bin/azurite" --location "$dir/data" --silent \
      --skipApiVersionCheck --loose --disableTelemetry \
      --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
      --blobPort "$p1" --queuePort "$p2" --tablePort "$p3" \
      </dev/null >"$dir/azurite.log" 2>&1 &
    job=$!

    # The pid file comes first (a shell builtin, instant), so we always know
    # what to kill before waiting on the ports.
    for ((i = 0; i < 100; i++)); do [[ -s "$dir/azurite.pid" ]] && break; sleep 0.1; done
    if [[ ! -s "$dir/azurite.pid" ]]; then
      kill "$job" 2>/dev/null || true
      die "Azurite did not start (no pid file in $dir)"
    fi
    pid="$(cat "$dir/azurite.pid")"

    deadline=$((SECONDS + ready_timeout))
    while ((SECONDS < deadline)) && alive "$pid"; do
      if port_open "$p1" && port_open "$p2" && port_open "$p3"; then
        conn="$(connection "$account" "$key")"
        printf 'export AGENTFACTORY_STORAGE="%s"\n' "$conn" >"$dir/env"
        printf 'export AGENTFACTORY_AGENTS_STORAGE="%s"\n' "$(connection "$agents_account" "$agents_key")" >>"$dir/env"
        echo "azurite.sh: Azurite pid $pid on ports $p1/$p2/$p3, dir $dir" >&2
        echo "$conn"
        return 0
      fi
      sleep 0.2
    done

    if alive "$pid"; then
      kill_tree "$pid"
      rm -f "$dir/azurite.pid"
      echo "azurite.sh: Azurite not ready after ${ready_timeout}s; log tail ($dir/azurite.log):" >&2
      tail -n 30 "$dir/azurite.log" >&2 || true
      exit 1
    fi
    rm -f "$dir/azurite.pid"
    if grep -q EADDRINUSE "$dir/azurite.log" 2>/dev/null; then
      echo "azurite.sh: port clash (attempt $attempt), retrying with other ports" >&2
      continue
    fi
    break
  done
  echo "azurite.sh: Azurite exited during startup; log tail ($dir/azurite.log):" >&2
  tail -n 30 "$dir/azurite.log" >&2 || true
  exit 1
}

stop() {
  local dir
  if [[ $# -ge 1 && -n "$1" ]]; then
    [[ -d "$1" ]] || die "no such directory: $1"
    dir="$(cd "$1" && pwd)"
  else
    [[ -e "$root/.azurite/last" ]] || die "no DIR given and no .azurite/last"
    dir="$(cd "$root/.azurite/last" && pwd -P)"
  fi
  [[ -f "$dir/azurite.pid" ]] || { echo "azurite.sh: not running ($dir has no azurite.pid)" >&2; return 0; }
  local pid
  pid="$(cat "$dir/azurite.pid")"
  kill_tree "$pid"
  rm -f "$dir/azurite.pid"
  echo "azurite.sh: stopped Azurite pid $pid ($dir)" >&2
}

cmd="${1:-}"
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) die "usage: $0 start|stop [DIR]" ;;
esac
