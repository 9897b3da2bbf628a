# bench/: host benchmarks linked with the unix runtime (plain variant).
# Not part of `make all`: `make bench` builds and runs every one of them.
# A benchmark that needs more at link time sets BENCH_LDLIBS_<name> (and
# adds its extra prerequisites to $(O)/bench/<name>).
BENCHES += bench/fiber_switch.c

BENCH_LIBS := $(O)/lib/morgana/unix/libmgcore.a \
	$(O)/lib/morgana/unix/libmgplatform.a
BENCH_BINS = $(patsubst bench/%.c,$(O)/bench/%,$(BENCHES))

$(O)/bench/%: bench/%.c $(BENCH_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_unix) $< -Wl,--start-group $(BENCH_LIBS) \
		-Wl,--end-group $(BENCH_LDLIBS_$*) -o $@

bench: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "=== $$b"; $$b || exit 1; done

.PHONY: bench

# store_bench: the read-write store against SQLite (libsqlite3-dev).
BENCHES += bench/store_bench.c
STORE_BENCH_LIBS := $(O)/lib/morgana/unix/libmgstore.a \
	$(O)/lib/morgana/unix/libmgstorage.a
BENCH_LDLIBS_store_bench := -Wl,--start-group $(STORE_BENCH_LIBS) \
	$(BENCH_LIBS) -Wl,--end-group -lsqlite3
$(O)/bench/store_bench: $(STORE_BENCH_LIBS)

# net-bench: TCP throughput and ping-pong rate of the network stacks next
# to Linux's (bench/net.sh; root, namespaces and taps). net_peer is its
# Linux side, a host program on libc alone, so it is not in BENCHES.
$(O)/bench/net_peer: bench/net_peer.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CFLAGS_host) -pthread $< -o $@

net-bench: all $(O)/bench/net_peer
	bench/net.sh

.PHONY: net-bench

# http-bench: examples/website against nginx under wrk (bench/http.sh;
# root, namespaces and a tap; installs wrk and nginx-light if missing).
http-bench: all
	bench/http.sh

.PHONY: http-bench
