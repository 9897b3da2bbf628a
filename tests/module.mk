# Unit tests: every tests/unit/test_*.c is a binary, built per variant.
UNIT_TESTS += $(wildcard tests/unit/test_*.c)
# test_random stands in for the platform's entropy, to check the generator
# against its construction from a known seed and to count reseeds.
LDLIBS_test_random := -Wl,--wrap=mg_platform_entropy
# test_log watches the console writes, to check one write per log line.
LDLIBS_test_log := -Wl,--wrap=mg_platform_console_write
