# Helpers of the hostile-user tests (sourced). Each test runs in a fresh folder $tmp, and
# every case asserts the exit code, that stderr is exactly one line matching a pattern, and
# (snap / same) that nothing but the expected output changed.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# run CODE PATTERN CMD...: CMD exits CODE and prints exactly one stderr line matching the
# extended regex PATTERN (empty PATTERN: stderr must be empty). stdout goes to $tmp/.out.
run() {
  local code=$1 pat=$2
  shift 2
  "$@" > "$tmp/.out" 2> "$tmp/.err"
  local rc=$?
  [[ $rc == "$code" ]] || fail "exit $rc, expected $code: $* (stderr: $(head -c 600 "$tmp/.err"))"
  local lines
  lines=$(wc -l < "$tmp/.err")
  if [[ -z $pat ]]; then
    [[ ! -s $tmp/.err ]] || fail "unexpected stderr from $*: $(head -c 600 "$tmp/.err")"
  else
    [[ $lines == 1 ]] || fail "stderr has $lines lines, expected 1: $* ($(head -c 600 "$tmp/.err"))"
    grep -Eq -- "$pat" "$tmp/.err" || fail "stderr of $* does not match '$pat': $(cat "$tmp/.err")"
  fi
}

# snap DIR: a listing of everything under DIR (names, types, modes, sizes, contents' sums).
snap() {
  (cd "$1" && find . -path ./.out -prune -o -path ./.err -prune -o -printf '%p %y %m %s\n' \
     | sort && find . -type f ! -name .out ! -name .err -exec md5sum {} + | sort)
}
