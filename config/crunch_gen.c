/* Configure-time work of kv_ro folders: crunch sources, tar build rules. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../storage/sha256.h"
#include "storage_gen.h"

/* As mg/kv_ro.h's MG_KV_KEY_MAX: a longer key could never be read. */
#define KEY_MAX 1024
/* Deeper than this is taken for a loop of symbolic links. */
#define DEPTH_MAX 40

typedef struct item {
	char *key;  /* "" for the root */
	char *path; /* for inputs.txt: relative to config.c */
	char *abs;  /* for .incbin */
	bool is_dir;
	unsigned long long size, mtime_ns, off;
	char digest[65];
	uint32_t first_child, n_children;
} item;

typedef struct scan {
	mg_config *c;
	mg_device *d;
	mg__store_folder *sf;
	mg__vec items; /* item * */
	bool ok;
} scan;

__attribute__((format(printf, 2, 3))) static void scan_err(scan *s,
                                                           const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mg__err(s->c, s->d->at.file, s->d->at.line, "kv_ro store of '%s': %s",
	        s->sf->folder, msg);
	s->ok = false;
}

static item *add(scan *s, const char *key, const struct stat *st)
{
	mg_config *c = s->c;
	item *it = mg__alloc(c, sizeof(*it));
	it->key = mg__strdup(c, key);
	it->path = *key ? mg__fmt(c, "%s/%s", s->sf->folder, key)
	                : mg__strdup(c, s->sf->folder);
	it->abs = *key ? mg__fmt(c, "%s/%s", s->sf->abs, key)
	               : mg__strdup(c, s->sf->abs);
	it->is_dir = S_ISDIR(st->st_mode);
	it->size = it->is_dir ? 0 : (unsigned long long)st->st_size;
	it->mtime_ns = (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
	               (unsigned long long)st->st_mtim.tv_nsec;
	mg__push(c, &s->items, it);
	/* Once, though two stores may read the same folder. */
	for (size_t i = 0; i < c->inputs.n; i++)
		if (strcmp(c->inputs.v[i], it->path) == 0)
			return it;
	mg__push(c, &c->inputs, it->path);
	return it;
}

/* Add the entries of directory (key), following symbolic links. */
static void walk(scan *s, const char *key, const char *abs, int depth)
{
	if (depth > DEPTH_MAX) {
		scan_err(s,
		         "'%s' is nested more than %d deep (a loop of "
		         "symbolic links?)",
		         key, DEPTH_MAX);
		return;
	}
	DIR *dir = opendir(abs);
	if (!dir) {
		scan_err(s, "cannot read folder '%s': %s", abs,
		         strerror(errno));
		return;
	}
	struct dirent *e;
	while (s->ok && (e = readdir(dir))) {
		const char *n = e->d_name;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		char *k =
		    *key ? mg__fmt(s->c, "%s/%s", key, n) : mg__strdup(s->c, n);
		char *a = mg__fmt(s->c, "%s/%s", abs, n);
		struct stat st;
		if (strchr(n, '\n') || strlen(k) > KEY_MAX) {
			scan_err(s,
			         "'%s': names of more than %d bytes, or with "
			         "a newline, cannot be keys",
			         k, KEY_MAX);
		} else if (stat(a, &st) != 0) {
			scan_err(s, "cannot read '%s': %s", a, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			add(s, k, &st);
			walk(s, k, a, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			add(s, k, &st);
		} else {
			mg__warn(s->c, s->d->at.file, s->d->at.line,
			         "kv_ro store of '%s': '%s' is neither a file "
			         "nor a folder: left out",
			         s->sf->folder, k);
		}
	}
	closedir(dir);
}

static bool do_scan(scan *s)
{
	struct stat st;
	s->ok = true;
	if (stat(s->sf->abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
		scan_err(s, "not a folder");
		return false;
	}
	add(s, "", &st);
	walk(s, "", s->sf->abs, 0);
	return s->ok;
}

static bool hash(scan *s, item *it)
{
	FILE *f = fopen(it->abs, "rb");
	if (!f) {
		scan_err(s, "cannot read '%s': %s", it->abs, strerror(errno));
		return false;
	}
	static unsigned char buf[1 << 20];
	mg__sha256 h;
	mg__sha256_init(&h);
	unsigned long long total = 0;
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		mg__sha256_update(&h, buf, n);
		total += n;
	}
	bool err = ferror(f);
	fclose(f);
	if (err || total != it->size) {
		scan_err(s, "'%s' changed or failed while being read", it->abs);
		return false;
	}
	mg__sha256_final_hex(&h, it->digest);
	return true;
}

static int by_key(const void *a, const void *b)
{
	return strcmp((*(item *const *)a)->key, (*(item *const *)b)->key);
}

static size_t find(scan *s, const char *key, size_t len)
{
	size_t lo = 0, hi = s->items.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = ((item *)s->items.v[mid])->key;
		int cmp = strncmp(k, key, len);
		if (cmp == 0 && k[len])
			cmp = 1;
		if (cmp == 0)
			return mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0; /* not reached: every parent was scanned */
}

/* A string for GNU as: quotes and backslashes escaped. */
static void asm_str(mg__buf *b, const char *s)
{
	mg__buf_put(b, "\"");
	for (; *s; s++) {
		char esc[8];
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\' || ch < 0x20 || ch == 0x7f)
			snprintf(esc, sizeof(esc), "\\%03o", ch);
		else
			snprintf(esc, sizeof(esc), "%c", ch);
		mg__buf_put(b, esc);
	}
	mg__buf_put(b, "\"");
}

static void gen_file(mg_config *c, const char *name, char *text)
{
	mg__gen_file *f = mg__alloc(c, sizeof(*f));
	f->name = name;
	f->text = text;
	mg__push(c, &c->gen_files, f);
}

bool mg__crunch_prepare(mg_config *c, mg_device *d)
{
	mg__store_folder *sf = d->prepare_arg;
	scan s = {.c = c, .d = d, .sf = sf};
	if (!do_scan(&s))
		return false;
	item **items = (item **)s.items.v;
	size_t n = s.items.n;
	qsort(items, n, sizeof(*items), by_key);
	for (size_t i = 0; i < n; i++)
		if (!items[i]->is_dir && !hash(&s, items[i]))
			return false;

	/* Each directory's entries, in key order, which among siblings is
	 * name order: a stable counting sort by parent. */
	size_t *parent = mg__alloc(c, sizeof(size_t) * n);
	for (size_t i = 1; i < n; i++) {
		const char *k = items[i]->key, *slash = strrchr(k, '/');
		parent[i] = find(&s, k, slash ? (size_t)(slash - k) : 0);
		items[parent[i]]->n_children++;
	}
	uint32_t next = 0;
	for (size_t i = 0; i < n; i++) {
		items[i]->first_child = next;
		next += items[i]->n_children;
		items[i]->n_children = 0;
	}
	uint32_t *children = mg__alloc(c, sizeof(uint32_t) * (n + 1));
	for (size_t i = 1; i < n; i++) {
		item *p = items[parent[i]];
		children[p->first_child + p->n_children++] = (uint32_t)i;
	}

	const char *sym = mg__fmt(c, "mg__crunch_%s", d->name);
	mg__buf S = {0}, C = {0};
	mg__buf_printf(&S,
	               "/*\n * Files of the crunch store %s (folder %s), "
	               "generated by 'morgana\n * configure'; do not edit. "
	               "Each file's size, time and SHA-256 are\n * noted so "
	               "that a change to any file changes this text.\n */\n"
	               "\t.section .rodata.mg_crunch_%s,\"a\",@progbits\n"
	               "\t.balign 16\n\t.globl %s_blob\n"
	               "\t.type %s_blob,@object\n%s_blob:\n",
	               d->name, sf->folder, d->name, sym, sym, sym);
	unsigned long long off = 0;
	for (size_t i = 0; i < n; i++) {
		item *it = items[i];
		if (it->is_dir)
			continue;
		it->off = off;
		mg__buf_printf(&S, "\t/* %llu %llu %s */\n\t.incbin ", it->size,
		               it->mtime_ns, it->digest);
		asm_str(&S, it->abs);
		mg__buf_put(&S, "\n\t.balign 16\n");
		off += (it->size + 15) / 16 * 16;
	}
	mg__buf_printf(&S,
	               "\t.byte 0\n\t.size %s_blob, .-%s_blob\n"
	               "\t.section .note.GNU-stack,\"\",@progbits\n",
	               sym, sym);

	mg__buf_printf(&C,
	               "/* Index of the crunch store %s (folder %s), generated "
	               "by 'morgana configure'; do not edit. */\n"
	               "#include <stddef.h>\n#include <stdint.h>\n\n"
	               "#include <mg/crunch.h>\n\n"
	               "extern const uint8_t %s_blob[];\n"
	               "extern const mg_crunch_image %s;\n\n"
	               "static const mg_crunch_entry entries[] = {\n",
	               d->name, sf->folder, sym, sym);
	for (size_t i = 0; i < n; i++) {
		item *it = items[i];
		mg__buf_put(&C, "\t{\"");
		mg__buf_cstr(&C, it->key);
		if (it->is_dir)
			mg__buf_printf(
			    &C, "\", NULL, 0, %lluull, \"\", 1, %u, %u},\n",
			    it->mtime_ns, it->first_child, it->n_children);
		else
			mg__buf_printf(&C,
			               "\", %s_blob + %llu, %llu, %lluull,\n\t "
			               "\"%s\", 0, 0, 0},\n",
			               sym, it->off, it->size, it->mtime_ns,
			               it->digest);
	}
	mg__buf_put(&C, "};\n\nstatic const uint32_t children[] = {");
	for (size_t i = 1; i < n; i++)
		mg__buf_printf(&C, "%s%u,", (i - 1) % 12 ? " " : "\n\t",
		               children[i - 1]);
	if (n == 1)
		mg__buf_put(&C, "0");
	mg__buf_printf(&C,
	               "\n};\n\nconst mg_crunch_image %s = {\n\tentries, %zu, "
	               "children, %zu,\n};\n",
	               sym, n, n - 1);

	const char *base = mg__fmt(c, "crunch_%s", d->name);
	gen_file(c, mg__fmt(c, "%s.c", base), mg__buf_take(&C));
	gen_file(c, mg__fmt(c, "%s_data.S", base), mg__buf_take(&S));
	sf->desc->sources = mg__fmt(c, "%s/%s.c %s/%s_data.S", c->o.build_dir,
	                            base, c->o.build_dir, base);
	/* Declared in the statement: main.c has no header for it. */
	sf->desc->code = mg__fmt(c,
	                         "{\n\t\textern const struct mg_crunch_image "
	                         "%s;\n\t\trc = mg_kv_ro_crunch_connect("
	                         "${self}, &%s);\n\t}",
	                         sym, sym);
	return true;
}

bool mg__tar_folder_prepare(mg_config *c, mg_device *d)
{
	mg__store_folder *sf = d->prepare_arg;
	scan s = {.c = c, .d = d, .sf = sf};
	if (!do_scan(&s))
		return false;
	const char *tar = mg__fmt(c, "dist/%s-%s.tar", c->app->name, sf->name);
	sf->block->platform_file = tar;
	/* `morgana build` writes it (tool/tar.c) after each configure, and
	 * configures again when anything listed in inputs.txt changes. */
	mg__push(c, &c->tars, mg__fmt(c, "%s %s", tar, sf->abs));
	return true;
}
