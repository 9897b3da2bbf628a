/* Crash safety of the store: a crash at every write of a workload of sets,
 * removes, renames and batches leaves every file with its old or its new
 * contents, and a batch all or nothing. */
#include "mgtest.h"
#include "store_model.h"

/*
 * For each N, the workload runs from the same formatted image on a device
 * that crashes at its Nth write (store_testdev.h, each mode); the disk it
 * leaves is opened on a sound device and must hold exactly the model's
 * files after some step k, with k between the last step known durable
 * when the crash came and the step in flight. In durable mode every step
 * is durable on return, so k is the step before or the step in flight:
 * each file old or new. The store then takes a few more steps and is
 * opened again, which checks what recovery left behind; some runs crash
 * a second time during those.
 */

#define MAXSTEPS 800

typedef struct run {
	uint32_t sector;
	uint64_t cap;
	bool durable;
	uint64_t seed;
	uint8_t *base; /* formatted, empty */
	long nsteps;
	model states[MAXSTEPS + 1];
	long total_writes;
	long checked, recoveries;
} run;

static mg_store *open_on(tdev *d, bool durable)
{
	static uint64_t clock;
	mg_store *s = NULL;
	char err[200] = "";
	mg__store_dev dev = td_dev(d);
	mg__store_opts o = {.durable = durable,
	                    .create = true,
	                    .max_entries = 64,
	                    .cache_bytes = 8192,
	                    .uuid = 42,
	                    .now = td_clock,
	                    .now_ctx = &clock,
	                    .err = err,
	                    .errlen = sizeof err};
	int rc = mg__store_open(&s, &dev, &o);
	if (rc < 0)
		mgt_fail(__FILE__, __LINE__, "open: %s (%s)", err,
		         mg_strerror(rc));
	return s;
}

/* The reference run: no crash; the store must agree with the model on
 * every result, and the states are recorded. */
static void reference(run *r)
{
	tdev d;
	td_init(&d, r->sector, r->cap);
	mg_store *s = open_on(&d, r->durable);
	mg__store_close(s);
	r->base = malloc(r->cap);
	memcpy(r->base, d.cur, r->cap);
	long before = d.writes;
	s = open_on(&d, r->durable);
	memset(&r->states[0], 0, sizeof r->states[0]);
	for (long i = 0; i < r->nsteps; i++) {
		wstep w;
		w_draw(&w, r->seed, i, !r->durable);
		r->states[i + 1] = r->states[i];
		int want = w_model(&r->states[i + 1], &w);
		int got = w_store(s, &w);
		if (want != got)
			mgt_fail(__FILE__, __LINE__,
			         "step %ld (kind %d, %s): store %s, model %s",
			         i, w.kind, w.ops[0].key, mg_strerror_name(got),
			         mg_strerror_name(want));
		if (!m_matches(s, &r->states[i + 1]))
			mgt_fail(__FILE__, __LINE__,
			         "step %ld: contents differ", i);
	}
	mg__store_stats st;
	mg__store_stats_get(s, &st);
	ASSERT_CMP(st.gc_steps, >=, 4); /* the log went round */
	mg__store_close(s);
	r->total_writes = d.writes - before;
	s = open_on(&d, r->durable);
	ASSERT_TRUE(m_matches(s, &r->states[r->nsteps]));
	mg__store_close(s);
	td_free(&d);
}

/*
 * From (image) holding state (*at), run steps from (at) with a crash after
 * (n) writes in (mode); check the recovered disk; return it in (*image)
 * and the step it matched in (*at).
 */
static void crash_once(run *r, uint8_t **image, long *at, int mode, int variant,
                       long n, long steps)
{
	tdev d;
	td_init(&d, r->sector, r->cap);
	td_load(&d, *image);
	mg_store *s = open_on(&d, r->durable);
	d.mode = mode;
	d.crash_after = n;
	long durable = *at,
	     end = *at + steps > r->nsteps ? r->nsteps : *at + steps;
	for (long i = *at; i < end; i++) {
		wstep w;
		w_draw(&w, r->seed, i, !r->durable);
		d.op = i + 1;
		int rc = w_store(s, &w);
		if (d.crashed) {
			if (mode != TD_DROP)
				break;
			continue; /* a lying disk: the store goes on */
		}
		ASSERT_TRUE(rc != MG_EIO);
		/* A batch or sync that failed synced nothing. */
		if (r->durable || (rc == 0 && w.kind >= W_BATCH))
			durable = i + 1;
	}
	long hi = d.crash_op >= 0 ? d.crash_op : end;
	uint8_t *img = td_crash_image(&d, variant);
	mg__store_close(s);
	td_free(&d);

	td_init(&d, r->sector, r->cap);
	td_load(&d, img);
	free(img);
	s = open_on(&d, r->durable);
	long k = hi;
	while (k >= durable && !m_matches(s, &r->states[k]))
		k--;
	if (k < durable)
		mgt_fail(__FILE__, __LINE__,
		         "mode %d, crash after write %ld (step %ld): the store "
		         "matches no state from step %ld to %ld",
		         mode, n, hi, durable, hi);
	if (r->durable && hi - k > 1)
		mgt_fail(__FILE__, __LINE__, "durable step %ld lost", k + 1);
	r->checked++;
	/* Later steps continue from the state found, where the workload
	 * was; they must leave a store that opens to the same. */
	model m = r->states[k];
	for (long i = k; i < k + 4 && i < r->nsteps; i++) {
		wstep w;
		w_draw(&w, r->seed, i, !r->durable);
		int want = w_model(&m, &w);
		ASSERT_EQ(w_store(s, &w), want);
	}
	ASSERT_EQ(mg__store_sync(s), 0);
	mg__store_close(s);
	s = open_on(&d, r->durable);
	ASSERT_TRUE(m_matches(s, &m));
	mg__store_close(s);
	r->recoveries++;
	free(*image);
	*image = malloc(r->cap);
	memcpy(*image, d.cur, r->cap);
	/* Step k + 4 from here is states[k] plus 4 steps, not states[k+4]:
	 * a second crash run starts from the recovered disk as it was. */
	*at = k;
	td_free(&d);
}

static void every_write(run *r, int mode)
{
	for (long n = 0; n <= r->total_writes; n++) {
		for (int v = 0; v < (mode == TD_REORDER ? 4 : 1); v++) {
			uint8_t *img = malloc(r->cap);
			memcpy(img, r->base, r->cap);
			long at = 0;
			crash_once(r, &img, &at, mode, v, n, r->nsteps);
			free(img);
		}
	}
}

/* A second crash during the steps that follow a recovery. */
static void twice(run *r)
{
	for (long n = 3; n <= r->total_writes; n += 11) {
		tdev d;
		td_init(&d, r->sector, r->cap);
		td_load(&d, r->base);
		mg_store *s = open_on(&d, r->durable);
		d.mode = TD_TEAR;
		d.crash_after = n;
		long i = 0;
		for (; i < r->nsteps && !d.crashed; i++) {
			wstep w;
			w_draw(&w, r->seed, i, !r->durable);
			d.op = i + 1;
			w_store(s, &w);
		}
		uint8_t *img = td_crash_image(&d, 0);
		mg__store_close(s);
		td_free(&d);
		/* recover, then run the same steps again from there */
		td_init(&d, r->sector, r->cap);
		td_load(&d, img);
		s = open_on(&d, r->durable);
		long k = i;
		while (k >= 0 && !m_matches(s, &r->states[k]))
			k--;
		ASSERT_TRUE(k >= 0);
		mg__store_close(s);
		td_free(&d);
		/* states[k] + the steps from k are the reference states */
		long at = k;
		long n2 = (n * 7) % 23;
		for (int mode = TD_FAIL; mode <= TD_REORDER; mode++) {
			uint8_t *copy = malloc(r->cap);
			memcpy(copy, img, r->cap);
			long at2 = at;
			crash_once(r, &copy, &at2, mode, (int)(n % 4), n2, 30);
			free(copy);
		}
		free(img);
	}
}

static void check_geometry(uint32_t sector, uint64_t cap, bool durable,
                           uint64_t seed, long nsteps)
{
	run *r = calloc(1, sizeof *r);
	r->nsteps = nsteps;
	r->sector = sector;
	r->cap = cap;
	r->durable = durable;
	r->seed = seed;
	reference(r);
	ASSERT_CMP(r->total_writes, >, 100);
	for (int mode = TD_FAIL; mode <= TD_REORDER; mode++)
		every_write(r, mode);
	twice(r);
	printf("  %s, %u-byte sectors: %ld writes, %ld crashes checked\n",
	       durable ? "durable" : "buffered", sector, r->total_writes,
	       r->checked);
	free(r->base);
	free(r);
}

/* 10 segments of 4 KiB: the cleaner runs every few steps. */
MGT_TEST(crash_at_every_write_durable_512)
{
	check_geometry(512, 4096 + 10 * 4096, true, 1, 240);
}

MGT_TEST(crash_at_every_write_buffered_512)
{
	check_geometry(512, 4096 + 10 * 4096, false, 2, 800);
}

/* 4 KiB sectors: segments of 8 sectors, frames of whole sectors. */
MGT_TEST(crash_at_every_write_durable_4096)
{
	check_geometry(4096, 8192 + 8 * 32768, true, 3, 240);
}
