/* Networking devices in the configuration: netifs, stacks, keys, manifest. */
#include "test_codegen_util.h"

/* An application given the generic stack, configured with (flags). */
static mg_config *generic(const char *target, char **flags)
{
	mg_config *c = cfg_flags(target, flags);
	mg_app *a = mg__main(c, "echo", "echo_start", "config.c", 3);
	mg__app_source(a, "echo.c", "config.c", 3);
	mg__app_device(a, mg__generic_stackv4(c, "config.c", 4), "stackv4");
	mg__cfg_check(c);
	return c;
}

static const char *impl_of_arg(mg_config *c)
{
	return mg_device_impl(c->app->args.v[0]);
}

MGT_TEST(generic_stack_is_socket_on_unix_and_direct_on_hvt)
{
	mg_config *c = generic("unix", NULL);
	ASSERT_STREQ(diags(c), "");
	ASSERT_STREQ(impl_of_arg(c), "socket");
	char *text = mg__gen_main(c);
	ASSERT_CONTAINS(text, "#include <mg/stackv4_socket.h>");
	ASSERT_CONTAINS(text, "rc = mg_stackv4_socket_connect(&dev_stack, "
	                      "key_ipv4);");
	free(text);
	text = mg__gen_platform_devices(c);
	ASSERT_STREQ(text, "");
	free(text);
	text = mg__gen_makefile(c);
	ASSERT_CONTAINS(text, "mgsocket");
	free(text);
	mg__cfg_free(c);

	char *direct[] = {"--net=direct", NULL};
	c = generic("unix", direct);
	ASSERT_STREQ(diags(c), "");
	ASSERT_STREQ(impl_of_arg(c), "direct");
	text = mg__gen_main(c);
	ASSERT_CONTAINS(text, "rc = mg_netif_platform_connect(&dev_service, "
	                      "\"service\", key_net_mac);");
	ASSERT_CONTAINS(text, "rc = mg_stackv4_direct_connect(&dev_stack, "
	                      "&dev_service, &dev_random, key_ipv4, "
	                      "key_ipv4_gateway, key_dhcp);");
	ASSERT_CONTAINS(text, ".name = \"dhcp\",\n\t\t.type = MG_ARG_BOOL,\n"
	                      "\t\t.def = \"false\"");
	free(text);
	text = mg__gen_platform_devices(c);
	ASSERT_STREQ(text, "net service\n");
	free(text);
	mg__cfg_free(c);

	c = generic("hvt", NULL);
	ASSERT_STREQ(diags(c), "");
	ASSERT_STREQ(impl_of_arg(c), "direct");
	text = mg__gen_main(c);
	ASSERT_CONTAINS(text, "MG_HVT_MANIFEST(1,\n"
	                      "                { \"service\", "
	                      "MG_HVT_DEVICE_NET });");
	free(text);
	mg__cfg_free(c);
}

MGT_TEST(socket_stack_on_hvt_is_refused)
{
	char *flags[] = {"--net=socket", NULL};
	mg_config *c = generic("hvt", flags);
	ASSERT_CONTAINS(diags(c), "the socket stack runs on unix only");
	mg__cfg_free(c);
}

MGT_TEST(configure_dhcp_sets_the_boot_default)
{
	char *flags[] = {"--net=direct", "--dhcp", NULL};
	mg_config *c = generic("unix", flags);
	ASSERT_STREQ(diags(c), "");
	char *text = mg__gen_main(c);
	ASSERT_CONTAINS(text, ".name = \"dhcp\",\n\t\t.type = MG_ARG_BOOL,\n"
	                      "\t\t.def = \"true\"");
	free(text);
	mg__cfg_free(c);

	char *bad[] = {"--net=direct", "--dhcp=maybe", NULL};
	c = generic("unix", bad);
	ASSERT_CONTAINS(diags(c), "--dhcp=maybe: not a boolean");
	mg__cfg_free(c);
}

MGT_TEST(two_netifs_have_their_own_keys_and_manifest_entries)
{
	mg_config *c = cfg_flags("hvt", NULL);
	mg_app *a = mg__main(c, "router", "router_start", "config.c", 3);
	mg__app_source(a, "router.c", "config.c", 3);
	mg_device *n1 = mg__netif(c, "service", "config.c", 4);
	mg_device *n2 = mg__netif(c, "back_net", "config.c", 5);
	ASSERT_TRUE(mg__netif(c, "service", "config.c", 6) == n1);
	mg_device *s1 = mg__direct_stackv4(c, n1, "config.c", 7);
	mg_device *s2 = mg__direct_stackv4(c, n2, "config.c", 8);
	ASSERT_TRUE(mg__direct_stackv4(c, n2, "config.c", 9) == s2);
	mg__app_device(a, s1, "stackv4");
	mg__app_device(a, s2, "stackv4");
	mg__cfg_check(c);
	ASSERT_STREQ(diags(c), "");
	char *text = mg__gen_main(c);
	ASSERT_CONTAINS(text,
	                "MG_HVT_MANIFEST(2,\n"
	                "                { \"service\", MG_HVT_DEVICE_NET "
	                "},\n"
	                "                { \"back_net\", "
	                "MG_HVT_DEVICE_NET });");
	ASSERT_CONTAINS(text, "key_back_net_ipv4_gateway, key_back_net_dhcp);");
	ASSERT_CONTAINS(text, "\"back_net\", key_back_net_mac);");
	free(text);
	text = mg__gen_platform_devices(c);
	ASSERT_STREQ(text, "net service\nnet back_net\n");
	free(text);
	mg__cfg_free(c);
}

MGT_TEST(bad_netif_names_are_refused_at_their_line)
{
	mg_config *c = cfg_flags("unix", NULL);
	mg__netif(c, "Eth0", "config.c", 12);
	mg__netif(c, "a_name_that_is_much_too_long_for_it", "config.c", 13);
	ASSERT_CONTAINS(diags(c), "config.c:12: error: netif name 'Eth0'");
	ASSERT_CONTAINS(diags(c), "config.c:13: error: netif name 'a_name");
	mg__cfg_free(c);
}
