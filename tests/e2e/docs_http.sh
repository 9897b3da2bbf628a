#!/usr/bin/env bash
# docs/http.md's code is what tests/unit/test_http_doc.c runs: every line
# of each C block stands, in order, in that test (indentation aside).
source "$(dirname "$0")/lib.sh"

t_http_doc_code_is_tested() {
	python3 - "$ROOT/docs/http.md" "$ROOT/tests/unit/test_http_doc.c" <<'PY' ||
import re, sys
doc = open(sys.argv[1]).read()
test = [l.strip() for l in open(sys.argv[2]).read().splitlines()]
blocks = re.findall(r"```c\n(.*?)```", doc, re.S)
if not blocks:
    sys.exit("docs/http.md has no C block")
for b in blocks:
    at = 0
    for line in (l.strip() for l in b.splitlines()):
        if not line:
            continue
        try:
            at = test.index(line, at) + 1
        except ValueError:
            sys.exit("not in the test, in order: " + line)
PY
		fail "docs/http.md shows code that tests/unit/test_http_doc.c does not run"
}

run_test http_doc_code_is_tested t_http_doc_code_is_tested
finish
