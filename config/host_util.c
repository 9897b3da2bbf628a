/* Host helpers compiled into both the config library and the morgana tool. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "host_util.h"

size_t mg__edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 64;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

int mg__mkdirs(const char *path, char *failed, size_t failed_size)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		if (failed)
			snprintf(failed, failed_size, "%s", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
				if (failed)
					snprintf(failed, failed_size, "%s", buf);
				return -1;
			}
			*p = saved;
			if (!saved)
				return 0;
		}
	}
}
