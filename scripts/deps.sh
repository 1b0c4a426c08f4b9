#!/usr/bin/env bash
# Usage: scripts/deps.sh build|test|bench|demo|all
# Installs the Debian packages perch needs that are missing:
#   build  what `make` needs to build build/perch (compiler, the libraries)
#   test   build, and what the tests need (`make check`, unit, integration,
#          tui, fuzz, bench): cmocka, Prosody, tmux, openssl, time, curl, clang and its
#          libFuzzer runtime, zsh (the completion script's test), strace (the
#          console's writes to the terminal)
#   bench  test, and the peers and meters `make bench` runs beside perch
#          (tests/bench/perf.sh): Profanity (idle wake-ups and RSS, headless
#          in tmux), go-sendxmpp, slixmpp, strace, perf; valgrind (`make
#          bench-more`'s instruction counts, tests/bench/instr.sh)
#   demo   build, and what `make demo` needs: Prosody, openssl
#   all    every one of them
# Not root: prints the command to run instead and fails.
set -euo pipefail

build=(
    build-essential pkg-config
    libstrophe-dev libcurl4-openssl-dev libgsasl-dev libssl-dev
    libevent-dev libncurses-dev libreadline-dev libjansson-dev libinih-dev
    libexpat1-dev libwslay-dev libarchive-dev
)
test=(libcmocka-dev prosody tmux openssl time curl clang libclang-rt-14-dev zsh strace)
bench=(profanity go-sendxmpp python3-slixmpp strace linux-perf valgrind)
demo=(prosody openssl)

case ${1:-} in
build) packages=("${build[@]}") ;;
test) packages=("${build[@]}" "${test[@]}") ;;
bench) packages=("${build[@]}" "${test[@]}" "${bench[@]}") ;;
demo) packages=("${build[@]}" "${demo[@]}") ;;
all) packages=("${build[@]}" "${test[@]}" "${bench[@]}") ;;
*)
    echo "usage: $0 build|test|bench|demo|all" >&2
    exit 2
    ;;
esac

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "perch needs these Debian packages: ${missing[*]}" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The lists may be missing or stale on a fresh machine.
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi
# Debian starts the packaged prosody service; tests and the demo run their
# own.
if [[ " ${missing[*]} " == *" prosody "* ]] && command -v systemctl >/dev/null; then
    systemctl disable --now prosody >/dev/null 2>&1 || true
fi
