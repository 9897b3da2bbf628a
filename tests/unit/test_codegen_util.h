/* Helpers of the codegen tests: configs with fixed locations, temp files. */
#ifndef TEST_CODEGEN_UTIL_H
#define TEST_CODEGEN_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../config/cfg.h"
#include "mgtest.h"

/* A config for (target) with the configure flags (flags...), NULL-ended. */
static inline mg_config *cfg_flags(const char *target, char **flags)
{
	int n = 0;
	while (flags && flags[n])
		n++;
	mg__cfg_opts o = {
	    .target = target,
	    .build_dir = "_build/unix",
	    .prefix = "/opt/morgana",
	    .config_file = "config.c",
	    .nflags = n,
	    .flags = flags,
	};
	mg_config *c = mg__cfg_new(&o);
	ASSERT_TRUE(c != NULL);
	return c;
}

static inline mg_config *cfg(void)
{
	return cfg_flags("unix", NULL);
}

/* The errors (and warnings) joined by newlines, in the config's arena. */
static inline const char *diags(mg_config *c)
{
	size_t n = 1;
	for (size_t i = 0; i < c->errors.n; i++)
		n += strlen(c->errors.v[i]) + 1;
	for (size_t i = 0; i < c->warnings.n; i++)
		n += strlen(c->warnings.v[i]) + 1;
	char *s = mg__alloc(c, n);
	for (size_t i = 0; i < c->errors.n; i++)
		strcat(strcat(s, c->errors.v[i]), "\n");
	for (size_t i = 0; i < c->warnings.n; i++)
		strcat(strcat(s, c->warnings.v[i]), "\n");
	return s;
}

/* Compare generated text with the expected, showing the first difference. */
#define ASSERT_TEXT(got, want)                                                 \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		ASSERT_TRUE(g_ != NULL);                                       \
		size_t i_ = 0, line_ = 1;                                      \
		while (g_[i_] && g_[i_] == w_[i_]) {                           \
			line_ += g_[i_] == '\n';                               \
			i_++;                                                  \
		}                                                              \
		if (g_[i_] || w_[i_])                                          \
			mgt_fail(                                              \
			    __FILE__, __LINE__,                                \
			    "texts differ at line %zu:\n--- got:\n%.200s\n"    \
			    "--- want:\n%.200s\n--- whole text:\n%s",          \
			    line_, g_ + i_, w_ + i_, g_);                      \
	} while (0)

#endif
