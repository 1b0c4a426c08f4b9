#!/usr/bin/env bash
# The dependency rule of docs/architecture.md, checked on the sources:
#   - nothing under src/ includes ncurses, readline or a ui/ header;
#   - the console's core (src/app/) and the UI do not include the headless
#     commands' scaffolding (src/cmd/): only main/ sees both;
#   - the UI's curses-free files (UI_PURE in the Makefile) and their
#     headers include neither ncurses nor ui.h;
#   - docs/architecture.md's module map names every source file.
# Last line: layout: N passed, N failed
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0

# check NAME FILES... -- REGEX: no #include line of FILES matches REGEX.
check() {
    local name=$1 hits
    shift
    local files=()
    while [[ $1 != -- ]]; do
        files+=("$1")
        shift
    done
    hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($2)" "${files[@]}" /dev/null)
    if [[ -z $hits ]]; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        sed 's/^/    /' <<<"$hits"
        failed=$((failed + 1))
    fi
}

mapfile -t core < <(find src -name '*.[ch]' | sort)
mapfile -t app < <(find src/app -name '*.[ch]' | sort)
mapfile -t ui < <(find ui -name '*.[ch]' | sort)
pure=()
# UI_PURE may go on over lines ending in a backslash
for f in $(sed -n '/^UI_PURE :=/,/[^\\]$/p' Makefile |
    sed 's/^UI_PURE :=//; s/\\$//'); do
    pure+=("$f" "${f%.c}.h")
done

check src_includes_no_ui_and_no_curses "${core[@]}" -- \
    'ui/|ui\.h|ui_main\.h|n?curses|readline/'
check the_console_core_includes_no_command_scaffolding "${app[@]}" -- 'cmd/'
check the_ui_includes_no_command_scaffolding "${ui[@]}" -- 'cmd/'
check pure_ui_files_include_no_curses "${pure[@]}" -- \
    'n?curses|readline/|ui\.h"'

missing=$(find main src ui -type f -name "*.[ch]" | sort)
missing=$(for f in $missing; do grep -qF "\`$f\`" docs/architecture.md || echo "$f"; done)
if [[ -z $missing ]]; then
    echo "ok   architecture_md_names_every_source_file"
    passed=$((passed + 1))
else
    echo "FAIL architecture_md_names_every_source_file: not in docs/architecture.md:"
    sed 's/^/    /' <<<"$missing"
    failed=$((failed + 1))
fi

echo "layout: $passed passed, $failed failed"
((failed == 0))
