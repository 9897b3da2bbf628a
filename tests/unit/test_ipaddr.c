/* IPv4 text forms: strict parsing and formatting. */
#include <mg/error.h>
#include <mg/ipaddr.h>

#include "mgtest.h"

static uint32_t parsed(const char *s)
{
	mg_ipv4_addr a = {0xdeadbeef};
	if (mg_ipv4_parse(s, &a) != 0)
		mgt_fail(__FILE__, __LINE__, "'%s' refused", s);
	return a.v;
}

static void refused(const char *s)
{
	mg_ipv4_addr a = {0xdeadbeef};
	if (mg_ipv4_parse(s, &a) != MG_EINVAL)
		mgt_fail(__FILE__, __LINE__, "'%s' accepted", s);
	ASSERT_EQ(a.v, 0xdeadbeef);
}

MGT_TEST(parse_good)
{
	ASSERT_EQ(parsed("10.0.0.1"), 0x0a000001);
	ASSERT_EQ(parsed("0.0.0.0"), 0);
	ASSERT_EQ(parsed("255.255.255.255"), 0xffffffff);
	ASSERT_EQ(parsed("192.168.1.200"), 0xc0a801c8);
	ASSERT_EQ(parsed("1.20.100.0"), 0x01146400);
}

MGT_TEST(parse_bad)
{
	refused("");
	refused("1.2.3");
	refused("1.2.3.4.5");
	refused("1.2.3.");
	refused("1.2.3.4.");
	refused(".1.2.3");
	refused("1..2.3");
	refused("256.0.0.1");
	refused("1.2.3.256");
	refused("1000.1.1.1");
	refused("01.2.3.4");
	refused("1.2.3.04");
	refused("1.2.3.00");
	refused("1.2.3.4 ");
	refused(" 1.2.3.4");
	refused("1.2.3.4/24");
	refused("1.2.3.x");
	refused("-1.2.3.4");
	refused("+1.2.3.4");
	refused("0x1.2.3.4");
	refused("16909060");
	refused("4294967296.0.0.0");
	ASSERT_EQ(mg_ipv4_parse(NULL, &(mg_ipv4_addr){0}), MG_EINVAL);
}

static mg_ipv4_prefix prefix(const char *s)
{
	mg_ipv4_prefix p;
	if (mg_ipv4_prefix_parse(s, &p) != 0)
		mgt_fail(__FILE__, __LINE__, "'%s' refused", s);
	return p;
}

MGT_TEST(prefix_parse)
{
	mg_ipv4_prefix p = prefix("10.0.0.2/24");
	ASSERT_EQ(p.addr.v, 0x0a000002);
	ASSERT_EQ(p.len, 24);
	ASSERT_EQ(prefix("0.0.0.0/0").len, 0);
	ASSERT_EQ(prefix("1.2.3.4/32").len, 32);
	ASSERT_EQ(prefix("1.2.3.4/9").len, 9);

	static const char *const bad[] = {
	    "1.2.3.4",     "1.2.3.4/",   "1.2.3.4/33",  "1.2.3.4/024",
	    "1.2.3.4/00",  "1.2.3.4/-1", "1.2.3.4/ 8",  "1.2.3.4/8 ",
	    "1.2.3/8",     "1.2.3.4//8", "1.2.3.4/8/8", "/8",
	    "1.2.3.4/100", "01.2.3.4/8", "1.2.3.4/x",   "1.2.3.256/8",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mg_ipv4_prefix q = {{7}, 7};
		if (mg_ipv4_prefix_parse(bad[i], &q) != MG_EINVAL)
			mgt_fail(__FILE__, __LINE__, "'%s' accepted", bad[i]);
		ASSERT_EQ(q.addr.v, 7);
		ASSERT_EQ(q.len, 7);
	}
}

MGT_TEST(format_round_trip)
{
	char buf[MG_IPV4_ADDR_STRLEN];
	ASSERT_STREQ(mg_ipv4_format((mg_ipv4_addr){0x0a000001}, buf),
	             "10.0.0.1");
	ASSERT_STREQ(mg_ipv4_format((mg_ipv4_addr){0xffffffff}, buf),
	             "255.255.255.255");
	ASSERT_STREQ(mg_ipv4_format((mg_ipv4_addr){0}, buf), "0.0.0.0");
	char pbuf[MG_IPV4_PREFIX_STRLEN];
	mg_ipv4_prefix p = {{0xffffffff}, 32};
	ASSERT_STREQ(mg_ipv4_prefix_format(p, pbuf), "255.255.255.255/32");
	ASSERT_EQ(strlen(pbuf) + 1, MG_IPV4_PREFIX_STRLEN);
	p.len = 200;
	ASSERT_STREQ(mg_ipv4_prefix_format(p, pbuf), "255.255.255.255/32");

	/* Every formatted address parses back to itself. */
	uint32_t x = 0x12345678;
	for (int i = 0; i < 1000; i++) {
		x = x * 1103515245u + 12345u;
		ASSERT_EQ(parsed(mg_ipv4_format((mg_ipv4_addr){x}, buf)), x);
	}
}
