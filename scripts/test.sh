#!/usr/bin/env bash
# THE test command: builds and runs every test project of the solution against a
# private Azurite, then prints, alone on the last line:
#   Tests: N passed, N failed, N skipped
# Works on a fresh clone of a fresh machine, unattended (CI=true, no stdin).
# Extra arguments go to `dotnet test`, e.g.  scripts/test.sh --filter Category=Unit
#
# Exit code: non-zero if the build/test run failed, if any test failed, or if no
# test passed at all (a run that tests nothing must not look green).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# --- machine prerequisites -------------------------------------------------
# ensure_apt_packages: Debian packages the tests need (add them at the call in main()).
# shellcheck source=lib.sh
source "$root/scripts/lib.sh"

# --- TRX summary -----------------------------------------------------------
# Sums the <Counters .../> element over all TRX files under $1 into
# trx_files, trx_passed, trx_failed, trx_skipped. Skipped = total - executed
# (VSTest counts skipped tests as not executed). failed also counts the
# error/timeout/aborted outcomes, so a crashed test can't hide.
summarize_trx() {
  local dir="$1" f counters attr v total executed
  trx_files=0 trx_passed=0 trx_failed=0 trx_skipped=0
  while IFS= read -r -d '' f; do
    counters="$(grep -o '<Counters [^>]*>' "$f" | head -n 1 || true)"
    [[ -n "$counters" ]] || { echo "test.sh: no <Counters> in $f" >&2; continue; }
    trx_files=$((trx_files + 1))
    total=0 executed=0
    for attr in total executed passed failed error timeout aborted; do
      v=0
      [[ "$counters" =~ [[:space:]]$attr=\"([0-9]+)\" ]] && v="${BASH_REMATCH[1]}"
      case "$attr" in
        total) total=$v ;;
        executed) executed=$v ;;
        passed) trx_passed=$((trx_passed + v)) ;;
        *) trx_failed=$((trx_failed + v)) ;;
      esac
    done
    ((total > executed)) && trx_skipped=$((trx_skipped + total - executed))
  done < <(find "$dir" -name '*.trx' -print0 2>/dev/null)
  return 0
}

# Repeats, from the run's log $1, the lines that say why dotnet test failed: build
# errors, crashed or aborted test hosts, failed tests, non-Completed TRX outcomes.
# CI shows only the tail of a run, where these would otherwise be long gone.
explain_failure() {
  local log="$1" results="$2" f outcome
  echo "test.sh: why the run failed (from $log):" >&2
  grep -E ': error [A-Z]+[0-9]+|error MSB|Test host process crashed|test run was aborted|Test Run Aborted|Test Run Failed|^[[:space:]]+Failed [A-Za-z0-9_]+\.[A-Za-z0-9_.]+|Cleanup Failure|Fixture Failure|exited with code|Unhandled exception' "$log" 2>/dev/null \
    | awk '!seen[$0]++' | head -n 40 >&2 || true
  while IFS= read -r -d '' f; do
    outcome="$(grep -o '<ResultSummary outcome="[^"]*"' "$f" | head -n 1 | cut -d'"' -f2 || true)"
    [[ "$outcome" == "Completed" ]] && continue
    echo "test.sh: ${f##*/}: outcome $outcome" >&2
    grep -o '<Text>[^<]*</Text>' "$f" | head -n 10 >&2 || true
  done < <(find "$results" -name '*.trx' -print0 2>/dev/null)
}

# Prints the closing line and returns the exit code for the run.
report() {
  local dotnet_rc="$1" results="$2" log="$3" rc=0
  summarize_trx "$results"
  if ((dotnet_rc != 0)); then
    explain_failure "$log" "$results"
    echo "test.sh: FAILED: dotnet test exited with $dotnet_rc (build error or failing tests; see above)" >&2
    rc=1
  fi
  if ((trx_failed > 0)); then
    echo "test.sh: FAILED: $trx_failed test(s) failed" >&2
    rc=1
  fi
  if ((trx_passed == 0)); then
    echo "test.sh: FAILED: no test passed ($trx_files TRX file(s) in $results): nothing was tested" >&2
    rc=1
  fi
  # Last line, alone, in the format CI reads.
  echo "Tests: $trx_passed passed, $trx_failed failed, $trx_skipped skipped"
  return "$rc"
}

# --- main --------------------------------------------------------------------
azurite_dir=""
stop_azurite() {
  if [[ -n "$azurite_dir" ]]; then
    bash "$root/scripts/azurite.sh" stop "$azurite_dir" 2>/dev/null || true
    rm -rf "$azurite_dir"
    azurite_dir=""
  fi
}

main() {
  cd "$root"
  # Quiet, non-interactive dotnet on a fresh machine.
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

  # bubblewrap: the local container runtime isolates agent programs with it (tests run real sandboxes).
  # chromium: the web pages' browser tests drive Debian's Chromium through Playwright (its own download does not work here).
  ensure_apt_packages bubblewrap chromium

  # Always stop Azurite, also on failure and Ctrl-C (INT/TERM -> exit -> EXIT trap).
  trap stop_azurite EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  azurite_dir="$(mktemp -d "${TMPDIR:-/tmp}/agentfactory-azurite.XXXXXX")"
  AGENTFACTORY_STORAGE="$(bash "$root/scripts/azurite.sh" start "$azurite_dir")"
  export AGENTFACTORY_STORAGE

  # Fresh results dir so the summary counts this run only.
  local results="$root/TestResults"
  rm -rf "$results"
  mkdir -p "$results"

  # The whole output is also kept in a log, read back when the run fails. tee runs in a
  # process substitution, not a pipe: a process a test leaves behind holding stdout must
  # not keep the script waiting.
  local dotnet_rc=0 log="$results/dotnet-test.log"
  dotnet test "$root/AgentFactory.Functions.sln" -c Release \
    --results-directory "$results" \
    --logger "trx;LogFilePrefix=r" \
    --logger "console;verbosity=normal" \
    "$@" </dev/null > >(tee "$log") 2>&1 || dotnet_rc=$?

  # Stop Azurite now (not only in the trap) so nothing prints after the summary.
  stop_azurite
  report "$dotnet_rc" "$results" "$log"
}

# Run only when executed, so the functions above can be sourced and tested.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
