#!/usr/bin/env bash
# Checks that the C lines changed since BASE follow .clang-format: the style the code already
# has (HACKING.md, "Style"). Only the lines that BASE..HEAD adds or changes are looked at, so
# the existing code, formatted by hand before .clang-format existed, never fails the check.
#
#   usage: tools/check-style.sh [--fix] [BASE]    (BASE: a commit; default HEAD^, the last one)
#
# Exits 0 when clang-format would change none of those lines (or no C line changed), 1 when it
# would (printing its diff and how to fix it), 2 when it cannot check (clang-format missing, no
# such BASE). With --fix it also writes the formatted lines into the working tree, in each file
# that has no uncommitted change. tools/run-tests.sh runs it as its first stage, "style".
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")/.."
FIX=0
if [ "${1:-}" = --fix ]; then
  FIX=1
  shift
fi
BASE=${1:-HEAD^}

if ! command -v clang-format >/dev/null; then
  echo "check-style: clang-format is missing (tools/install-deps.sh installs it)" >&2
  exit 2
fi
if ! git rev-parse --verify --quiet "$BASE^{commit}" >/dev/null; then
  echo "check-style: '$BASE' is not a commit here (a shallow clone, or the first commit?)" >&2
  exit 2
fi

# "FILE FIRST:LAST" for each run of lines HEAD adds or changes. Not git clang-format's own
# two-commit mode: it diffs without rename detection, so a moved file would be checked whole.
changed_lines() {
  git diff -M --diff-filter=ACMR -U0 --no-color --no-ext-diff "$BASE" HEAD -- '*.c' '*.h' |
    awk '/^\+\+\+ b\// { file = substr($0, 7) }
         /^@@ / { split($3, r, ","); n = (r[2] == "" ? 1 : r[2]); first = substr(r[1], 2)
                  if (n > 0) print file, first ":" first + n - 1 }'
}

# clang-format 14 miscounts the width of g_autoptr(T) when .clang-format keeps it as written
# (WhitespaceSensitiveMacros) and then wraps such a declaration oddly; so it is shown the
# same-width identifier g_autoptr_T_ instead, and the result turned back.
hide_autoptr() { sed -E 's/\bg_auto(ptr|list|slist|queue)?\(([A-Za-z0-9]+)\)/g_auto\1_\2_/g'; }
show_autoptr() { sed -E 's/\bg_auto(ptr|list|slist|queue)?_([A-Za-z0-9]+)_\b/g_auto\1(\2)/g'; }

declare -A ranges=()
while read -r file lines; do
  ranges[$file]+=" --lines=$lines"
done < <(changed_lines)
if [ ${#ranges[@]} -eq 0 ]; then
  echo "check-style: no C line changed since $BASE"
  exit 0
fi

failed=0 fixed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for file in $(printf '%s\n' "${!ranges[@]}" | sort); do
  git show "HEAD:$file" > "$tmp/before"
  # shellcheck disable=SC2086  # the --lines options are one word each
  hide_autoptr < "$tmp/before" |
    clang-format --style=file --assume-filename="$file" ${ranges[$file]} |
    show_autoptr > "$tmp/after"
  if ! diff -u --label "a/$file" --label "b/$file" "$tmp/before" "$tmp/after"; then
    failed=$((failed + 1))
    if [ "$FIX" = 1 ] && git diff --quiet HEAD -- "$file"; then
      cp "$tmp/after" "$file"
      fixed=$((fixed + 1))
    fi
  fi
done
if [ "$failed" -eq 0 ]; then
  echo "check-style: the lines changed since $BASE in ${#ranges[@]} C file(s) are formatted"
  exit 0
fi
if [ "$FIX" = 1 ]; then
  echo "check-style: formatted $fixed of the $failed file(s) in the working tree" \
    "(a file with uncommitted changes is left alone); review, then commit (or amend)"
else
  echo "check-style: FAILED: $failed file(s) have lines changed since $BASE that .clang-format" \
    "formats otherwise (diff above); fix: tools/check-style.sh --fix $BASE, then commit (or amend)"
fi
exit 1
