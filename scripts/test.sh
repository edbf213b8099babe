#!/usr/bin/env bash
# The whole test suite: type checks, the runner's own tests, then every column under its
# runtime's own test runner (node --test, deno test, bun test).
set -euo pipefail
cd "$(dirname "$0")/.."
export DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
bin=node_modules/.bin

echo "== type check: tsc (Node and Bun types), deno check (Deno-facing files)"
"$bin/tsc" -p .
"$bin/deno" check --quiet mod.ts adapters/deno.ts adapters/libc.ts adapters/libc_test.ts runtimes/deno/*.ts runtimes/kernel/*.ts
echo "== node --test: runner, report and the node column"
node --import tsx --test --test-reporter=dot $(ls core/*_test.ts report/*_test.ts cli/*_test.ts hosts/*_test.ts test/*_test.ts 2>/dev/null) runtimes/node/node.test.ts adapters/node_test.ts
echo "== deno test: the deno and deno-node columns"
"$bin/deno" test -P --quiet
echo "== deno test: the kernel reference column (libc via FFI, its own permission set)"
"$bin/deno" test -P=kernel --quiet runtimes/kernel/ adapters/libc_test.ts
echo "== bun test: the bun and bun-node columns"
"$bin/bun" test
