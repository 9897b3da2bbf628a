/* Error codes: names and messages from the one table. */
#include <mg/error.h>

#include "mgtest.h"

MGT_TEST(known_codes_have_name_and_message)
{
	ASSERT_STREQ(mg_strerror(MG_ETIMEDOUT), "timed out");
	ASSERT_STREQ(mg_strerror_name(MG_ETIMEDOUT), "MG_ETIMEDOUT");
	ASSERT_STREQ(mg_strerror(MG_EINVAL), "invalid argument");
	ASSERT_STREQ(mg_strerror_name(MG_EINVAL), "MG_EINVAL");
	ASSERT_STREQ(mg_strerror_name(MG_ECHILD), "MG_ECHILD");
	ASSERT_STREQ(mg_strerror(MG_ECHILD), "no such fiber");
}

MGT_TEST(every_code_is_distinct_and_named)
{
	int codes[] = {
#define CODE(name, num, msg) MG_##name,
	    MG_ERRNO_MAP(CODE)
#undef CODE
	};
	size_t n = sizeof codes / sizeof codes[0];
	for (size_t i = 0; i < n; i++) {
		ASSERT_CMP(codes[i], <, 0);
		ASSERT_TRUE(strcmp(mg_strerror(codes[i]), "unknown error") !=
		            0);
		ASSERT_TRUE(strncmp(mg_strerror_name(codes[i]), "MG_E", 4) ==
		            0);
		ASSERT_TRUE(strcmp(mg_strerror_name(codes[i]), "MG_E?") != 0);
		for (size_t j = 0; j < i; j++)
			ASSERT_NE(codes[i], codes[j]);
	}
}

MGT_TEST(unknown_and_zero)
{
	ASSERT_STREQ(mg_strerror(-9999), "unknown error");
	ASSERT_STREQ(mg_strerror(5), "unknown error");
	ASSERT_STREQ(mg_strerror_name(-9999), "MG_E?");
	ASSERT_STREQ(mg_strerror(0), "success");
	ASSERT_STREQ(mg_strerror_name(0), "0");
}
