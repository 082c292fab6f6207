#!/usr/bin/env bash
# run.sh DURATION_SECONDS — build the libFuzzer harnesses (clang, in build-fuzz/
# or $FUZZ_BUILD) if needed and run each for DURATION_SECONDS (default 60).
#
# New inputs go to BUILD/fuzz/NAME/corpus (the seed corpus in the source tree
# is only read). A crash, leak, timeout or sanitizer report stops that
# harness, leaves its input in BUILD/fuzz/NAME/crash-* and makes this script
# exit 1; copy the input into tests/fuzz/corpus/NAME/ as a regression case
# (CTest runs every file there once) and fix the bug.
set -euo pipefail

secs=${1:-60}
case "$secs" in
''|*[!0-9]*) echo "usage: $0 DURATION_SECONDS" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-build-fuzz}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
targets=(fuzz_json_body fuzz_csv_row fuzz_idnum fuzz_form fuzz_multipart)

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=${CC:-clang} cmake -S "$root" -B "$build" -DGG_FUZZ=ON -DGG_WERROR=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
elif ! grep -q '^GG_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
    cmake -S "$root" -B "$build" -DGG_FUZZ=ON -DGG_WERROR=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null

status=0
for name in "${targets[@]}"; do
    work="$build/fuzz/$name"
    mkdir -p "$work/corpus"
    dict=()
    case "$name" in
    fuzz_csv_row) dict=(-dict="$root/tests/fuzz/csv_row.dict") ;;
    fuzz_json_body) dict=(-dict="$root/tests/fuzz/json_body.dict") ;;
    fuzz_form) dict=(-dict="$root/tests/fuzz/form.dict") ;;
    fuzz_multipart) dict=(-dict="$root/tests/fuzz/multipart.dict") ;;
    esac
    log="$work/log.txt"
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$build/tests/fuzz/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/" "${dict[@]}" \
        "$work/corpus" "$root/tests/fuzz/corpus/$name" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        echo "$name: ok, ${runs:-?} runs in ${secs}s, ${cov:-cov: ?}"
    else
        status=1
        echo "$name: FAILED — see $log; the input is in $work/" >&2
        grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5 >&2 || true
    fi
done
exit $status
