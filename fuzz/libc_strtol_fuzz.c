/* fuzz/libc_strtol_fuzz.c: libc's strtol family against glibc's, exactly. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The input's first byte picks the base (0 to 36, 1 being invalid), the
 * rest is the text. Each of strtol, strtoll, strtoul and strtoull must give
 * glibc's value, errno and end pointer; for an invalid base glibc leaves
 * the end pointer alone, so only value and errno are compared then.
 */

/* glibc's functions, taken before the renaming below hides their names. */
static long (*const glibc_strtol)(const char *, char **, int) = strtol;
static long long (*const glibc_strtoll)(const char *, char **, int) = strtoll;
static unsigned long (*const glibc_strtoul)(const char *, char **,
                                            int) = strtoul;
static unsigned long long (*const glibc_strtoull)(const char *, char **,
                                                  int) = strtoull;

/*
 * The library's own source, compiled here against the host's headers with
 * its functions renamed, so that both implementations live in one program
 * (the unit tests do the same with objcopy on the guest-flag objects).
 */
#define strtol    mgl_strtol
#define strtoll   mgl_strtoll
#define strtoul   mgl_strtoul
#define strtoull  mgl_strtoull
#define strtoimax mgl_strtoimax
#define strtoumax mgl_strtoumax
#define atoi      mgl_atoi
#define atol      mgl_atol
#define atoll     mgl_atoll
#include "../libc/strtol.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define COMPARE(ours, theirs)                                                  \
	do {                                                                   \
		char *eo = s, *et = s;                                         \
		errno = 0;                                                     \
		unsigned long long vo =                                        \
		    (unsigned long long)ours(s, &eo, base);                    \
		int errno_o = errno;                                           \
		errno = 0;                                                     \
		unsigned long long vt =                                        \
		    (unsigned long long)theirs(s, &et, base);                  \
		if (vo != vt || errno_o != errno || (valid && eo != et)) {     \
			fprintf(stderr,                                        \
			        "%s(\"%s\", %d): ours %llx errno %d end %td, " \
			        "glibc %llx errno %d end %td\n",               \
			        #theirs, s, base, vo, errno_o, eo - s, vt,     \
			        errno, et - s);                                \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 256)
		return 0;
	int base = data[0] % 37;
	bool valid = base != 1;
	char s[257];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	COMPARE(mgl_strtol, glibc_strtol);
	COMPARE(mgl_strtoll, glibc_strtoll);
	COMPARE(mgl_strtoul, glibc_strtoul);
	COMPARE(mgl_strtoull, glibc_strtoull);
	return 0;
}
