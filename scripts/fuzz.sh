#!/usr/bin/env bash
# fuzz.sh: runs each fuzz target for a given time, with libFuzzer, from seed corpora.
#
# Usage: scripts/fuzz.sh SECONDS [TARGET...]
#        scripts/fuzz.sh --list
#
# Targets (fuzz/fuzz_targets/, bodies in tests/fuzz_support/mod.rs): framer,
# command_grammar, response_grammar, explainer, mock_session, transcript_readers,
# lesson_yaml; all of them when none is named, one after the other.
#
# Builds the targets with nightly Rust and the flags cargo-fuzz uses (SanitizerCoverage
# for libFuzzer, debug assertions and overflow checks on, no sanitizer: the crate has
# no unsafe code), straight with cargo: cargo-fuzz itself need not be installed. With
# it, `cd fuzz && cargo +nightly fuzz run TARGET -s none` runs the same code.
#
# Corpora live in fuzz/corpus/TARGET (not committed), seeded from tests/data,
# transcripts/ and scenarios/ by scripts/fuzz/seeds.py; fuzz/imap.dict is the
# dictionary. A crash, a timeout (an input taking over 10 s) or an input needing over
# 2 GB is saved in fuzz/artifacts/TARGET/ and makes the script exit 1: copy it to
# tests/data/fuzz/TARGET/ (named after what it broke), where tests/fuzz_regressions.rs
# runs it in every `cargo test`, then fix the code.
#
# fuzz/Cargo.lock started as a copy of the project's; cargo extends it (no --locked)
# when the project gains a dependency, so the targets never stop building for that.
#
# Environment: FUZZ_RUNS=N stops each target after N executions (or SECONDS, whichever
# comes first); FUZZ_ARGS adds libFuzzer options; FUZZ_BIN_DIR runs targets built
# before and copied there (a long run then ignores edits to the code). Prints a Markdown table of
# executions, speed and corpus size per target.
set -euo pipefail

# IMAP_TUTOR_REPO lets a copy of this script run elsewhere (a long run from a copy
# is safe from edits to the script while it runs).
REPO=${IMAP_TUTOR_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ALL=(framer command_grammar response_grammar explainer mock_session transcript_readers lesson_yaml)
log() { printf 'fuzz: %s\n' "$*" >&2; }

case ${1:-} in
    --list) printf '%s\n' "${ALL[@]}"; exit 0 ;;
    ''|-h|--help) sed -n '2,29p' "$0"; exit 2 ;;
esac
SECONDS_EACH=$1
shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
    printf '%s\n' "${ALL[@]}" | grep -qx "$t" || { log "unknown target $t (--list)"; exit 2; }
done

if ! cargo +nightly --version >/dev/null 2>&1; then
    log "needs the nightly toolchain (rustup toolchain install nightly)"
    exit 2
fi
TRIPLE=$(rustc +nightly -vV | sed -n 's/^host: //p')
FUZZ="$REPO/fuzz"
# cargo-fuzz's flags for libFuzzer (`cargo fuzz build -s none -a`), without its
# -Ccodegen-units=1: the build is twice as fast on two cores and the targets hardly
# slower. Given with --target, they reach the targets, not build scripts.
FLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
FLAGS+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
FLAGS+=" -Cllvm-args=-sanitizer-coverage-pc-table"
FLAGS+=" -Cllvm-args=-sanitizer-coverage-trace-compares"
FLAGS+=" -Cllvm-args=-sanitizer-coverage-stack-depth"
FLAGS+=" -Cllvm-args=-simplifycfg-branch-fold-threshold=0"
FLAGS+=" --cfg fuzzing -Cdebug-assertions -Coverflow-checks"

BIN_DIR=${FUZZ_BIN_DIR:-$FUZZ/target/$TRIPLE/release}
if [ -n "${FUZZ_BIN_DIR:-}" ]; then
    log "using the targets built in $BIN_DIR"
else
    log "building ${TARGETS[*]} (nightly, $TRIPLE)"
    bins=()
    for t in "${TARGETS[@]}"; do bins+=(--bin "$t"); done
    (cd "$FUZZ" && RUSTFLAGS="$FLAGS" cargo +nightly build --release --quiet \
        --target "$TRIPLE" --target-dir "$FUZZ/target" "${bins[@]}")
fi

# Inputs longer than this are cut: the grammar reads one message, the others a session.
max_len() {
    case $1 in
        command_grammar|response_grammar) echo 4096 ;;
        *) echo 65536 ;;
    esac
}

rows=()
failed=0
for t in "${TARGETS[@]}"; do
    corpus="$FUZZ/corpus/$t"
    artifacts="$FUZZ/artifacts/$t"
    mkdir -p "$corpus" "$artifacts" "$FUZZ/logs"
    python3 "$REPO/scripts/fuzz/seeds.py" "$t" "$corpus" >&2
    runs=()
    [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
    logfile="$FUZZ/logs/$t.log"
    log "$t: ${SECONDS_EACH}s${FUZZ_RUNS:+ or $FUZZ_RUNS runs}, log in ${logfile#"$REPO"/}"
    status=0
    # The corpus folder first: new inputs go there, seeds included.
    (cd "$FUZZ" && "$BIN_DIR/$t" "$corpus" \
        -dict="$FUZZ/imap.dict" -max_total_time="$SECONDS_EACH" "${runs[@]}" \
        -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_ARGS:-} \
        >"$logfile" 2>&1) || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logfile" | tail -n1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logfile" | tail -n1)
    size=$(find "$corpus" -type f | wc -l)
    if [ "$status" = 0 ]; then
        result="no crash, no timeout"
    else
        failed=1
        result="FAILED (exit $status): $(ls -t "$artifacts" | head -n1)"
        grep -E '^(==[0-9]+== ERROR|thread .* panicked|SUMMARY)' "$logfile" | head -n3 >&2 || true
    fi
    rows+=("| \`$t\` | ${execs:-?} | ${speed:-?}/s | $size | $result |")
done

echo "| target | executions | speed | corpus | result |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
exit "$failed"
