#!/usr/bin/env bash
# The whole test suite: type checks, the runner's own tests, then every column under its
# runtime's own test runner (node --test, deno test, bun test), each through its host's
# test-runner entry (hosts/<runtime>/).
set -euo pipefail
cd "$(dirname "$0")/.."
export DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
bin=node_modules/.bin
# Every stage is bounded, so a hang ends the run with a failure that names its stage
# instead of holding CI to its limit.
bounded() { local limit=$1; shift; timeout -k 15 "$limit" "$@" || { local rc=$?; [ $rc -eq 124 ] && echo "== timed out after ${limit}s: $*" >&2; return $rc; }; }
# Each stage's heading says when it started, so a slow or cut-short run shows where its time went.
stage() { printf '\n== [%ss] %s\n' "$SECONDS" "$*"; }
echo "== on $(nproc) cores, descriptor limit $(ulimit -Sn)/$(ulimit -Hn), load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

# Jobs that run beside another: each one's output is kept and printed whole, under its heading,
# once all of them have ended.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
side() { local name=$1; shift; { local rc=0; "$@" >"$out/$name.log" 2>&1 || rc=$?; echo "$rc" >"$out/$name.rc"; } & }
report() {
  local name rc
  for name in "$@"; do
    rc=$(cat "$out/$name.rc")
    printf '\n== %s: exit %s\n' "$name" "$rc"
    cat "$out/$name.log"
    [ "$rc" -eq 0 ] || failed=1
  done
}

# The type checks are one core's work each and touch no socket: they run beside node --test.
stage "type checks (tsc with Node and Bun types, deno check of the Deno-facing files), beside node --test"
side tsc bounded 300 "$bin/tsc" -p .
side "deno check" bounded 300 "$bin/deno" check --quiet mod.ts adapters/deno.ts adapters/deno_test.ts adapters/libc.ts adapters/libc_test.ts adapters/_libc_child.ts hosts/deno/*.ts peer/main.ts
# Two test files at a time (Node's default is one less than the cores); every case is made to hold under load.
stage "node --test: core, harness, report, CLI, hosts, examples, the peer, the bench, the node:net adapter, the node and workerd columns"
node_rc=0
bounded 1500 node --import tsx --test --test-concurrency=2 --test-timeout=300000 --test-force-exit \
  --test-reporter=dot --test-reporter-destination=stdout \
  --test-reporter=./scripts/failures_reporter.mjs --test-reporter-destination=stderr \
  $(ls core/*_test.ts columns/*_test.ts harness/*_test.ts report/*_test.ts cli/*_test.ts hosts/*_test.ts suites/*_test.ts \
    lab/*_test.ts examples/*_test.ts peer/*_test.ts bench/*_test.ts hosts/workerd/*_test.ts test/*_test.ts 2>/dev/null) \
  adapters/node_test.ts hosts/node/node.test.ts hosts/workerd/workerd.test.ts \
  || node_rc=$?
wait
[ "$node_rc" -eq 0 ] || failed=1
report tsc "deno check"

# The three runtimes' own runners run side by side: each holds its cases in its own processes and
# mostly waits on sockets, so together they take about as long as the longest.
stage "deno test (the deno and deno-node columns, the Deno adapter), deno test -P=kernel (the kernel column, the libc adapter), bun test (the bun and bun-node columns, the Bun adapter), side by side"
side "deno test" bounded 900 "$bin/deno" test -P --quiet
side "kernel deno test" bounded 600 "$bin/deno" test -P=kernel --quiet hosts/deno/kernel.test.ts adapters/libc_test.ts
side "bun test" bounded 600 "$bin/bun" test
wait
report "deno test" "kernel deno test" "bun test"
stage "done"
exit $failed
