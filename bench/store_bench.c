/* Benchmark: the store's small-value sets and gets against SQLite in WAL
 * mode with synchronous=FULL, on the same file system in the same run. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mg/error.h>

#include "../storage/store/store.h"

/*
 * Usage: store_bench [DIR]   (default: /var/tmp, on disk where /tmp may
 *                            be memory)
 *
 * Both write into DIR: the store into a 256 MiB file, written whole
 * first as a disk image would be, through pread/pwrite/fdatasync as the
 * unix block device does, with 512-byte sectors; SQLite into a database with a
 * table (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID, one prepared statement per
 * operation. Keys are 16 bytes, values 100; both hold 100,000 keys and were
 * warmed up. Figures are operations per second, the median of 15 rounds in
 * which the two take turns (a shared disk's flush time varies by 10x from one
 * second to the next). durable set  one set, flushed before it returns (SQLite:
 * one autocommit INSERT OR REPLACE) batch set    sets in batches of 1000, one
 * flush each (SQLite: BEGIN, 1000 inserts, COMMIT) get          random gets
 * among 100,000 keys (SQLite: SELECT by key); both caches 2 MiB (SQLite's
 * default cache_size -2000) Also: opening the store of 100,000 keys (recovery
 * reads and checks every record).
 */

#define VAL_LEN    100
#define NKEYS      100000
#define BATCH      1000
#define STORE_SIZE (256ull << 20)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "store_bench: %s: %s\n", what, why);
	exit(1);
}

/* --- the store over a file --- */

static int f_read(void *self, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)self;
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
		                  (off_t)(off + done));
		if (n <= 0)
			return MG_EIO;
		done += (size_t)n;
	}
	return 0;
}

static int f_write(void *self, uint64_t off, const void *buf, size_t len)
{
	int fd = *(int *)self;
	for (size_t done = 0; done < len;) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
		                   (off_t)(off + done));
		if (n <= 0)
			return MG_EIO;
		done += (size_t)n;
	}
	return 0;
}

static int f_flush(void *self)
{
	return fdatasync(*(int *)self) ? MG_EIO : 0;
}

static int store_fd = -1;

/* The device file is written whole once, as a disk image would be: the
 * file system then allocates nothing while the store runs. */
static void store_file(const char *path)
{
	store_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (store_fd < 0)
		die(path, "cannot create");
	static uint8_t zero[1 << 20];
	for (uint64_t off = 0; off < STORE_SIZE; off += sizeof zero)
		if (f_write(&store_fd, off, zero, sizeof zero) < 0)
			die(path, "cannot write");
	if (fdatasync(store_fd) != 0)
		die(path, "cannot sync");
}

static mg_store *store_open(bool fresh, bool durable)
{
	mg__store_dev dev = {&store_fd,  f_read, f_write, f_flush,
	                     STORE_SIZE, 512,    false};
	char err[200];
	mg__store_opts o = {.durable = durable,
	                    .create = true,
	                    .format = fresh,
	                    .max_entries = 2 * NKEYS,
	                    .cache_bytes = 2u << 20,
	                    .err = err,
	                    .errlen = sizeof err};
	mg_store *s;
	if (mg__store_open(&s, &dev, &o) < 0)
		die("open", err);
	return s;
}

static void key_of(char k[17], uint32_t i)
{
	snprintf(k, 17, "key%013u", i);
}

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

static uint8_t val[VAL_LEN];

static void store_load(mg_store *s)
{
	static mg_kv_op ops[BATCH];
	static char keys[BATCH][17];
	for (uint32_t i = 0; i < NKEYS;) {
		size_t n = 0;
		for (; n < BATCH && i < NKEYS; n++, i++) {
			key_of(keys[n], i);
			ops[n] = (mg_kv_op){MG_KV_OP_SET, keys[n], NULL,
			                    mg_cbuf_make(val, VAL_LEN)};
		}
		if (mg__store_batch(s, ops, n) < 0)
			die("store", "load");
	}
}

#define ROUNDS    15
#define DURABLE_N 40
#define GETS      20000

static mg_store *st;
static uint64_t r_set = 1, r_get = 7;
static uint32_t next_batch;

static double store_durable(void)
{
	char k[17];
	double t = now_s();
	for (int i = 0; i < DURABLE_N; i++) {
		key_of(k, rnd(&r_set) % NKEYS);
		if (mg__store_set(st, k, val, VAL_LEN) < 0)
			die("store", "set");
	}
	return DURABLE_N / (now_s() - t);
}

static double store_batch(void)
{
	static mg_kv_op ops[BATCH];
	static char keys[BATCH][17];
	double t = now_s();
	for (int i = 0; i < BATCH; i++) {
		key_of(keys[i], next_batch++ % NKEYS);
		ops[i] = (mg_kv_op){MG_KV_OP_SET, keys[i], NULL,
		                    mg_cbuf_make(val, VAL_LEN)};
	}
	if (mg__store_batch(st, ops, BATCH) < 0)
		die("store", "batch");
	return BATCH / (now_s() - t);
}

static double store_get(void)
{
	char k[17];
	uint8_t buf[VAL_LEN];
	size_t got;
	double t = now_s();
	for (int i = 0; i < GETS; i++) {
		key_of(k, rnd(&r_get) % NKEYS);
		if (mg__store_get(st, k, 0, buf, sizeof buf, &got) < 0 ||
		    got != VAL_LEN)
			die("store", "get");
	}
	return GETS / (now_s() - t);
}

/* --- SQLite --- */

static sqlite3 *db;
static sqlite3_stmt *put, *get;

static void sql(const char *q)
{
	char *err = NULL;
	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK)
		die(q, err ? err : "?");
}

static void sqlite_close(void)
{
	if (!db)
		return;
	sqlite3_finalize(put);
	sqlite3_finalize(get);
	sqlite3_close(db);
	db = NULL;
}

static void sqlite_remove(const char *path)
{
	char p[4200];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static void sqlite_open(const char *path, bool fresh)
{
	sqlite_close();
	if (fresh)
		sqlite_remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	sql("PRAGMA journal_mode=WAL");
	sql("PRAGMA synchronous=FULL");
	sql("CREATE TABLE IF NOT EXISTS kv(k TEXT PRIMARY KEY, v BLOB) "
	    "WITHOUT ROWID");
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO kv VALUES(?1, ?2)",
	                       -1, &put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT v FROM kv WHERE k = ?1", -1, &get,
	                       NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
}

static void sqlite_put(const char *k)
{
	sqlite3_bind_text(put, 1, k, 16, SQLITE_STATIC);
	sqlite3_bind_blob(put, 2, val, VAL_LEN, SQLITE_STATIC);
	if (sqlite3_step(put) != SQLITE_DONE)
		die("insert", sqlite3_errmsg(db));
	sqlite3_reset(put);
}

/*
 * SQLite's WAL is measured in its steady state: after a checkpoint (every
 * 1000 pages by default) commits write over the WAL's blocks again, so
 * the warm-up runs past one and the file system allocates nothing during
 * the measure, as for the store.
 */
static void sqlite_setup(const char *path)
{
	sqlite_open(path, true);
	char k[17];
	sql("BEGIN");
	for (int i = 0; i < NKEYS; i++) {
		key_of(k, (uint32_t)i);
		sqlite_put(k);
	}
	sql("COMMIT");
	uint64_t r = 3;
	for (int i = 0; i < 1200; i++) {
		key_of(k, rnd(&r) % NKEYS);
		sqlite_put(k);
	}
}

static uint64_t q_set = 1, q_get = 7;
static uint32_t q_batch;

static double sqlite_durable(void)
{
	char k[17];
	double t = now_s();
	for (int i = 0; i < DURABLE_N; i++) {
		key_of(k, rnd(&q_set) % NKEYS);
		sqlite_put(k);
	}
	return DURABLE_N / (now_s() - t);
}

static double sqlite_batch(void)
{
	char k[17];
	double t = now_s();
	sql("BEGIN");
	for (int i = 0; i < BATCH; i++) {
		key_of(k, q_batch++ % NKEYS);
		sqlite_put(k);
	}
	sql("COMMIT");
	return BATCH / (now_s() - t);
}

static double sqlite_get(void)
{
	char k[17];
	double t = now_s();
	for (int i = 0; i < GETS; i++) {
		key_of(k, rnd(&q_get) % NKEYS);
		sqlite3_bind_text(get, 1, k, 16, SQLITE_STATIC);
		if (sqlite3_step(get) != SQLITE_ROW ||
		    sqlite3_column_bytes(get, 0) != VAL_LEN)
			die("select", sqlite3_errmsg(db));
		sqlite3_reset(get);
	}
	return GETS / (now_s() - t);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Alternate (a) and (b) ROUNDS times, so that both see the same moods of
 * a shared disk; the median of each. */
static void alternate(double (*a)(void), double (*b)(void), double *ma,
                      double *mb)
{
	double ra[ROUNDS], rb[ROUNDS];
	for (int i = 0; i < ROUNDS; i++) {
		ra[i] = a();
		rb[i] = b();
	}
	qsort(ra, ROUNDS, sizeof ra[0], by_value);
	qsort(rb, ROUNDS, sizeof rb[0], by_value);
	*ma = ra[ROUNDS / 2];
	*mb = rb[ROUNDS / 2];
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/var/tmp";
	char spath[4096], qpath[4096];
	snprintf(spath, sizeof spath, "%s/store_bench.img", dir);
	snprintf(qpath, sizeof qpath, "%s/store_bench.sqlite", dir);
	for (size_t i = 0; i < VAL_LEN; i++)
		val[i] = (uint8_t)(i * 7 + 1);
	store_file(spath);
	st = store_open(true, true);
	store_load(st);
	for (int i = 0; i < 30; i++)
		store_durable();
	sqlite_setup(qpath);

	double sd, qd, sb, qb, sg, qg;
	alternate(store_durable, sqlite_durable, &sd, &qd);
	alternate(store_batch, sqlite_batch, &sb, &qb);
	alternate(store_get, sqlite_get, &sg, &qg);
	mg__store_close(st);
	double om = 1e9;
	for (int i = 0; i < 3; i++) {
		double t = now_s();
		st = store_open(false, true);
		t = (now_s() - t) * 1e3;
		om = t < om ? t : om;
		if (i < 2)
			mg__store_close(st);
	}
	mg__store_stats ss;
	mg__store_stats_get(st, &ss);
	mg__store_close(st);

	printf("store vs SQLite %s (WAL, synchronous=FULL) in %s, ops/s, "
	       "median of %d alternating rounds:\n",
	       sqlite3_libversion(), dir, ROUNDS);
	printf("  %-13s %12s %12s %8s\n", "", "store", "sqlite", "ratio");
	printf("  %-13s %12.0f %12.0f %7.1fx\n", "durable set", sd, qd,
	       sd / qd);
	printf("  %-13s %12.0f %12.0f %7.1fx\n", "batch set", sb, qb, sb / qb);
	printf("  %-13s %12.0f %12.0f %7.1fx\n", "get", sg, qg, sg / qg);
	printf("  opening the store of %d keys: %.1f ms; its index: %.1f MiB\n",
	       NKEYS, om, (double)ss.index_bytes / (1 << 20));
	sqlite_close();
	sqlite_remove(qpath);
	close(store_fd);
	unlink(spath);
	return 0;
}
