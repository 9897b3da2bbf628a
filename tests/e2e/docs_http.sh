#!/usr/bin/env bash
# docs/http.md's code is what tests/unit/test_http_doc*.c run: every line
# of each C block stands, in order, in one of those tests (indentation
# aside).
source "$(dirname "$0")/lib.sh"

t_http_doc_code_is_tested() {
	python3 - "$ROOT/docs/http.md" "$ROOT"/tests/unit/test_http_doc*.c <<'PY' ||
import re, sys
doc = open(sys.argv[1]).read()
tests = [[l.strip() for l in open(f).read().splitlines()]
         for f in sys.argv[2:]]
blocks = re.findall(r"```c\n(.*?)```", doc, re.S)
if not blocks:
    sys.exit("docs/http.md has no C block")

def missing(block, test):
    """(lines found, the first line not found in order) or None."""
    at = found = 0
    for line in (l.strip() for l in block.splitlines()):
        if not line:
            continue
        try:
            at = test.index(line, at) + 1
            found += 1
        except ValueError:
            return (found, line)
    return None

for b in blocks:
    lost = [missing(b, t) for t in tests]
    if all(lost):
        sys.exit("not in a test, in order: " + max(lost)[1])
PY
		fail "docs/http.md shows code that tests/unit/test_http_doc*.c do not run"
}

run_test http_doc_code_is_tested t_http_doc_code_is_tested
finish
