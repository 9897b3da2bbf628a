/* kv_ro helpers shared by every store: key rules and whole-file reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mg/error.h>
#include <mg/kv_ro.h>

/* see mg/kv_ro.h */

int mg_kv_key_check(const char *key, const char **rel)
{
	if (!key)
		return MG_EINVAL;
	if (strnlen(key, MG_KV_KEY_MAX + 1) > MG_KV_KEY_MAX)
		return MG_ENAMETOOLONG;
	const char *k = key[0] == '/' ? key + 1 : key;
	const char *p = k;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			return MG_EINVAL; /* "a//b", "/" twice, "a/" */
		if (n > MG_KV_NAME_MAX)
			return MG_ENAMETOOLONG;
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return MG_EINVAL;
		if (!end)
			break;
		p = end + 1;
		if (!*p)
			return MG_EINVAL; /* trailing '/' */
	}
	if (rel)
		*rel = k;
	return 0;
}

int mg_kv_ro_exists(mg_kv_ro *kv, const char *key, mg_kv_kind *kind)
{
	mg_kv_stat st;
	int rc = mg_kv_ro_stat(kv, key, &st);
	if (rc == MG_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (kind)
		*kind = st.kind;
	return 1;
}

int mg_kv_ro_size(mg_kv_ro *kv, const char *key, uint64_t *size)
{
	mg_kv_stat st;
	int rc = mg_kv_ro_stat(kv, key, &st);
	if (rc < 0)
		return rc;
	if (st.kind == MG_KV_DIR)
		return MG_EISDIR;
	*size = st.size;
	return 0;
}

int mg_kv_ro_last_modified(mg_kv_ro *kv, const char *key, uint64_t *mtime_ns)
{
	mg_kv_stat st;
	int rc = mg_kv_ro_stat(kv, key, &st);
	if (rc < 0)
		return rc;
	*mtime_ns = st.mtime_ns;
	return 0;
}

int mg_kv_ro_get_all(mg_kv_ro *kv, const char *key, void **data, size_t *len)
{
	uint64_t size;
	int rc = mg_kv_ro_size(kv, key, &size);
	if (rc < 0)
		return rc;
	if (size >= SIZE_MAX)
		return MG_EOVERFLOW;
	char *buf = malloc((size_t)size + 1);
	if (!buf)
		return MG_ENOMEM;
	size_t got = 0;
	while (got < size) {
		size_t n;
		rc = mg_kv_ro_get(kv, key, got, buf + got, (size_t)size - got,
		                  &n);
		if (rc < 0) {
			free(buf);
			return rc;
		}
		if (n == 0)
			break; /* shrank meanwhile (a store that changes) */
		got += n;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int mg_kv_ro_list_each(mg_kv_ro *kv, const char *dir,
                       int (*fn)(void *arg, const mg_kv_entry *e), void *arg)
{
	mg_kv_entry batch[4];
	char after[MG_KV_NAME_MAX + 1] = "";
	for (;;) {
		size_t n;
		int rc = mg_kv_ro_list(kv, dir, after, batch, 4, &n);
		if (rc < 0)
			return rc;
		if (n == 0)
			return 0;
		for (size_t i = 0; i < n; i++) {
			rc = fn(arg, &batch[i]);
			if (rc)
				return rc;
		}
		memcpy(after, batch[n - 1].name, sizeof after);
	}
}
