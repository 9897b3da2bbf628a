# Unit tests: every tests/unit/test_*.c is a binary, built per variant.
UNIT_TESTS += $(wildcard tests/unit/test_*.c)
