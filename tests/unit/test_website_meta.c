/* examples/website/meta.c: content types, HTTP dates, entity tags, ranges. */
#include <stdio.h>
#include <string.h>

#include "mgtest.h"

/* The example's file is compiled here: its functions are its own, not a
 * library's. */
#include "../../examples/website/meta.c"

static mg_cbuf s_(const char *s)
{
	return mg_cbuf_str(s);
}

MGT_TEST(content_types_by_extension)
{
	ASSERT_STREQ(site_content_type("index.html"),
	             "text/html; charset=utf-8");
	ASSERT_STREQ(site_content_type("a/b/Photo.JPG"), "image/jpeg");
	ASSERT_STREQ(site_content_type("x.woff2"), "font/woff2");
	ASSERT_STREQ(site_content_type("app.wasm"), "application/wasm");
	ASSERT_STREQ(site_content_type("README"), "application/octet-stream");
	/* a dot in a folder is not an extension */
	ASSERT_STREQ(site_content_type("v1.css/file"),
	             "application/octet-stream");
	ASSERT_STREQ(site_content_type("x.htmlx"), "application/octet-stream");
	ASSERT_STREQ(site_content_type("x."), "application/octet-stream");
}

MGT_TEST(http_dates_three_forms)
{
	uint64_t t = 0;
	/* RFC 9110 section 5.6.7's example, in each form */
	ASSERT_TRUE(
	    site_parse_http_date(s_("Sun, 06 Nov 1994 08:49:37 GMT"), &t));
	ASSERT_EQ(t, 784111777);
	t = 0;
	ASSERT_TRUE(
	    site_parse_http_date(s_("Sunday, 06-Nov-94 08:49:37 GMT"), &t));
	ASSERT_EQ(t, 784111777);
	t = 0;
	ASSERT_TRUE(site_parse_http_date(s_("Sun Nov  6 08:49:37 1994"), &t));
	ASSERT_EQ(t, 784111777);
	ASSERT_TRUE(
	    site_parse_http_date(s_("Thu, 01 Jan 1970 00:00:00 GMT"), &t));
	ASSERT_EQ(t, 0);
	ASSERT_TRUE(
	    site_parse_http_date(s_("Tue, 29 Feb 2000 23:59:59 GMT"), &t));
	ASSERT_EQ(t, 951868799);
	ASSERT_TRUE(
	    site_parse_http_date(s_("Friday, 01-Jan-21 00:00:00 GMT"), &t));
	ASSERT_EQ(t, 1609459200);
	ASSERT_TRUE(site_parse_http_date(s_("Thu Dec 31 23:59:59 2099"), &t));
	ASSERT_EQ(t, 4102444799);

	static const char *bad[] = {
	    "",
	    "Sun, 06 Nov 1994 08:49:37 UTC",
	    "Sun, 06 Nov 1994 08:49:37",
	    "Sun, 6 Nov 1994 08:49:37 GMT",
	    "Sun, 06 Nvo 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1994 24:00:00 GMT",
	    "Sun, 00 Nov 1994 08:49:37 GMT",
	    "Sun, 06 Nov 1969 08:49:37 GMT",
	    "Sun Nov  6 08:49:37 94",
	    "Sun Nov x6 08:49:37 1994",
	    "Sun, 06-Nov-1994 08:49:37 GMT",
	    "1994-11-06T08:49:37Z",
	    "Sun, 06 Nov 1994 08:49:37 GMT and far too much after it"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ASSERT_TRUE(!site_parse_http_date(s_(bad[i]), &t));
}

MGT_TEST(http_date_round_trip)
{
	char d[SITE_DATE_LEN + 1];
	uint64_t times[] = {0, 784111777, 951868799, 1700000000, 4102444799};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		uint64_t t = 1;
		site_http_date(times[i], d);
		ASSERT_EQ(strlen(d), SITE_DATE_LEN);
		ASSERT_TRUE(site_parse_http_date(s_(d), &t));
		ASSERT_EQ(t, times[i]);
	}
	site_http_date(784111777, d);
	ASSERT_STREQ(d, "Sun, 06 Nov 1994 08:49:37 GMT");
}

MGT_TEST(if_none_match_lists)
{
	const char *e = "\"abc\"";
	ASSERT_TRUE(site_etag_listed(s_("\"abc\""), e));
	ASSERT_TRUE(site_etag_listed(s_("W/\"abc\""), e)); /* weak compare */
	ASSERT_TRUE(site_etag_listed(s_("\"x\", \"abc\""), e));
	ASSERT_TRUE(site_etag_listed(s_("\"x\",W/\"abc\" ,\"y\""), e));
	ASSERT_TRUE(site_etag_listed(s_("*"), e));
	ASSERT_TRUE(!site_etag_listed(s_("\"abcd\""), e));
	ASSERT_TRUE(!site_etag_listed(s_("\"ab\""), e));
	ASSERT_TRUE(!site_etag_listed(s_("abc"), e));
	ASSERT_TRUE(!site_etag_listed(s_("\"abc"), e));
	ASSERT_TRUE(!site_etag_listed(s_(""), e));
	ASSERT_TRUE(!site_etag_listed(s_("W/"), e));
}

MGT_TEST(if_range_strong)
{
	const char *e = "\"abc\"";
	ASSERT_TRUE(site_if_range_holds(s_("\"abc\""), e, 0));
	ASSERT_TRUE(!site_if_range_holds(s_("W/\"abc\""), e, 0));
	ASSERT_TRUE(!site_if_range_holds(s_("\"abd\""), e, 0));
	ASSERT_TRUE(site_if_range_holds(s_("Sun, 06 Nov 1994 08:49:37 GMT"), e,
	                                784111777));
	ASSERT_TRUE(!site_if_range_holds(s_("Sun, 06 Nov 1994 08:49:38 GMT"), e,
	                                 784111777));
	/* no time known: a date cannot hold */
	ASSERT_TRUE(
	    !site_if_range_holds(s_("Thu, 01 Jan 1970 00:00:00 GMT"), e, 0));
}

MGT_TEST(ranges)
{
	static const struct {
		const char *value;
		uint64_t size;
		site_range_kind kind;
		const char *range; /* "first-last"; "7-7": left as they were */
	} cases[] = {
	    {"bytes=0-9", 100, SITE_RANGE_PART, "0-9"},
	    {"bytes=90-200", 100, SITE_RANGE_PART, "90-99"},
	    {"bytes=50-", 100, SITE_RANGE_PART, "50-99"},
	    {"bytes=-10", 100, SITE_RANGE_PART, "90-99"},
	    {"bytes=-1000", 100, SITE_RANGE_PART, "0-99"},
	    {"Bytes= 5-5 ", 100, SITE_RANGE_PART, "5-5"},
	    {"bytes=5-5,", 100, SITE_RANGE_PART, "5-5"},
	    {"bytes=0-99999999999999999999999", 100, SITE_RANGE_PART, "0-99"},
	    /* unsatisfiable: starts at or past the end, an empty suffix */
	    {"bytes=100-", 100, SITE_RANGE_UNSAT, "7-7"},
	    {"bytes=100-200", 100, SITE_RANGE_UNSAT, "7-7"},
	    {"bytes=99999999999999999999999-", 100, SITE_RANGE_UNSAT, "7-7"},
	    {"bytes=-0", 100, SITE_RANGE_UNSAT, "7-7"},
	    {"bytes=-5", 0, SITE_RANGE_UNSAT, "7-7"},
	    {"bytes=0-", 0, SITE_RANGE_UNSAT, "7-7"},
	    /* the whole file: several, malformed, another unit */
	    {"bytes=0-1,5-6", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=0-1, -5", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=5-4", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=a-b", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=-", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=--5", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=1-2x", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"items=0-5", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes 0-5", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"", 100, SITE_RANGE_WHOLE, "7-7"},
	    {"bytes=0-1,x", 100, SITE_RANGE_WHOLE, "7-7"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t a = 7, b = 7;
		char r[64];
		ASSERT_EQ(
		    site_parse_range(s_(cases[i].value), cases[i].size, &a, &b),
		    cases[i].kind);
		snprintf(r, sizeof r, "%llu-%llu", (unsigned long long)a,
		         (unsigned long long)b);
		ASSERT_STREQ(r, cases[i].range);
	}
}
