/* Block devices: request checks, memory devices, unix files and bindings. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mg/block.h>
#include <mg/error.h>
#include <mg/platform_unix.h>

#include "mgtest.h"

MGT_TEST(check_refuses_misaligned_and_out_of_range)
{
	mg_block_info info = {.sector_size = 512, .sector_count = 8};
	ASSERT_EQ(mg_block_check(&info, 0, 512 * 8), 0);
	ASSERT_EQ(mg_block_check(&info, 7, 512), 0);
	ASSERT_EQ(mg_block_check(&info, 8, 0), 0);
	ASSERT_EQ(mg_block_check(&info, 0, 100), MG_EINVAL);
	ASSERT_EQ(mg_block_check(&info, 0, 513), MG_EINVAL);
	ASSERT_EQ(mg_block_check(&info, 7, 1024), MG_ERANGE);
	ASSERT_EQ(mg_block_check(&info, 9, 0), MG_ERANGE);
	ASSERT_EQ(mg_block_check(&info, UINT64_MAX, 512), MG_ERANGE);
}

MGT_TEST(mem_device_reads_back_multi_sector_writes)
{
	static uint8_t disk[512 * 16];
	mg_block b;
	ASSERT_EQ(mg_block_mem_connect(&b, disk, 512, 16, false), 0);
	mg_block_info info;
	mg_block_info_get(&b, &info);
	ASSERT_EQ(info.sector_size, 512);
	ASSERT_EQ(info.sector_count, 16);
	ASSERT_EQ(info.read_only, 0);
	uint8_t w[512 * 3], r[512 * 3];
	for (size_t i = 0; i < sizeof w; i++)
		w[i] = (uint8_t)(i * 7 + 1);
	ASSERT_EQ(mg_block_write(&b, 13, w, sizeof w), 0);
	ASSERT_EQ(mg_block_flush(&b), 0);
	ASSERT_EQ(mg_block_read(&b, 13, r, sizeof r), 0);
	ASSERT_MEMEQ(w, r, sizeof w);
	ASSERT_MEMEQ(disk + 13 * 512, w, sizeof w);
	mg_block_mem_free(&b);
}

MGT_TEST(failed_requests_write_nothing)
{
	static uint8_t disk[512 * 4];
	uint8_t w[1024];
	memset(w, 0xab, sizeof w);
	mg_block b;
	ASSERT_EQ(mg_block_mem_connect(&b, disk, 512, 4, false), 0);
	ASSERT_EQ(mg_block_write(&b, 3, w, 1024), MG_ERANGE);
	ASSERT_EQ(mg_block_write(&b, 0, w, 1000), MG_EINVAL);
	ASSERT_EQ(mg_block_write(&b, 4, w, 512), MG_ERANGE);
	ASSERT_EQ(mg_block_read(&b, 2, w, 1536), MG_ERANGE);
	for (size_t i = 0; i < sizeof disk; i++)
		ASSERT_EQ(disk[i], 0);
	mg_block_mem_free(&b);

	ASSERT_EQ(mg_block_mem_connect(&b, disk, 512, 4, true), 0);
	ASSERT_EQ(mg_block_write(&b, 0, w, 512), MG_EROFS);
	ASSERT_EQ(mg_block_flush(&b), 0);
	ASSERT_EQ(disk[0], 0);
	mg_block_mem_free(&b);
	ASSERT_EQ(mg_block_mem_connect(&b, disk, 1000, 2, false), MG_EINVAL);
	ASSERT_EQ(mg_block_mem_connect(&b, disk, 256, 2, false), MG_EINVAL);
}

MGT_TEST(mem_device_with_4k_sectors)
{
	static uint8_t disk[4096 * 4];
	mg_block b;
	uint8_t w[4096];
	memset(w, 0x5a, sizeof w);
	ASSERT_EQ(mg_block_mem_connect(&b, disk, 4096, 4, false), 0);
	ASSERT_EQ(mg_block_write(&b, 0, w, 512), MG_EINVAL);
	ASSERT_EQ(mg_block_write(&b, 3, w, 4096), 0);
	ASSERT_EQ(disk[3 * 4096 + 4095], 0x5a);
	ASSERT_EQ(disk[3 * 4096 - 1], 0);
	mg_block_mem_free(&b);
}

/* A temporary file of (size) bytes filled with (byte); its path in (p). */
static void temp_file(char p[static 64], size_t size, int byte)
{
	snprintf(p, 64, "/tmp/mg-test-block-XXXXXX");
	int fd = mkstemp(p);
	ASSERT_TRUE(fd >= 0);
	char *buf = malloc(size ? size : 1);
	memset(buf, byte, size);
	ASSERT_EQ(write(fd, buf, size), (long long)size);
	free(buf);
	close(fd);
}

MGT_TEST(unix_bindings_leave_the_boot_arguments)
{
	char *argv[] = {"img",
	                "--block:disk=/tmp/x",
	                "--a=1",
	                "--net:service=tap0",
	                "--block:bad",
	                "--",
	                "--block:after=1",
	                NULL};
	mg_unix_init(7, argv);
	const mg_boot_info *bi = mg_platform_boot_info();
	ASSERT_EQ(bi->argc, 5);
	ASSERT_STREQ(bi->argv[1], "--a=1");
	ASSERT_STREQ(bi->argv[2], "--block:bad");
	ASSERT_STREQ(bi->argv[3], "--");
	ASSERT_STREQ(bi->argv[4], "--block:after=1");
	ASSERT_TRUE(bi->argv[5] == NULL);
	ASSERT_STREQ(mg_unix_binding("block", "disk"), "/tmp/x");
	ASSERT_STREQ(mg_unix_binding("net", "service"), "tap0");
	ASSERT_TRUE(mg_unix_binding("block", "service") == NULL);
	ASSERT_TRUE(mg_unix_binding("block", "after") == NULL);
}

MGT_TEST(unix_duplicate_binding_is_left_for_the_parser)
{
	char *argv[] = {"img", "--block:d=/a", "--block:d=/b", NULL};
	mg_unix_init(3, argv);
	ASSERT_EQ(mg_platform_boot_info()->argc, 2);
	ASSERT_STREQ(mg_unix_binding("block", "d"), "/a");
	ASSERT_STREQ(mg_platform_boot_info()->argv[1], "--block:d=/b");
}

MGT_TEST(unix_file_device_round_trip_and_persistence)
{
	char path[64], arg[128];
	temp_file(path, 512 * 64, 0);
	snprintf(arg, sizeof arg, "--block:disk=%s", path);
	char *argv[] = {"img", arg, NULL};
	mg_unix_init(2, argv);

	mg_block b;
	ASSERT_EQ(mg_block_platform_connect(&b, "nope"), MG_ENOENT);
	ASSERT_EQ(mg_block_platform_connect(&b, "disk"), 0);
	mg_block other;
	ASSERT_EQ(mg_block_platform_connect(&other, "disk"), MG_EBUSY);
	mg_block_info info;
	mg_block_info_get(&b, &info);
	ASSERT_EQ(info.sector_size, 512);
	ASSERT_EQ(info.sector_count, 64);
	ASSERT_EQ(info.read_only, 0);

	uint8_t *w = malloc(512 * 10), *r = malloc(512 * 10);
	for (size_t i = 0; i < 512 * 10; i++)
		w[i] = (uint8_t)(i ^ (i >> 9));
	ASSERT_EQ(mg_block_write(&b, 54, w, 512 * 10), 0);
	ASSERT_EQ(mg_block_write(&b, 55, w, 512 * 10), MG_ERANGE);
	ASSERT_EQ(mg_block_write(&b, 0, w, 511), MG_EINVAL);
	ASSERT_EQ(mg_block_flush(&b), 0);
	ASSERT_EQ(mg_block_read(&b, 54, r, 512 * 10), 0);
	ASSERT_MEMEQ(w, r, 512 * 10);

	/* The bytes are in the host file, at the sector's offset. */
	int fd = open(path, O_RDONLY);
	ASSERT_EQ(pread(fd, r, 512 * 10, 54 * 512), 512 * 10);
	ASSERT_MEMEQ(w, r, 512 * 10);
	ASSERT_EQ(pread(fd, r, 512, 53 * 512), 512);
	ASSERT_EQ(r[0], 0);
	close(fd);
	free(w);
	free(r);
	unlink(path);
}

MGT_TEST(unix_read_only_file_and_bad_sizes)
{
	char ro[64], odd[64], empty[64], a1[128], a2[128], a3[128];
	temp_file(ro, 1024, 7);
	chmod(ro, 0444);
	temp_file(odd, 1000, 0);
	temp_file(empty, 0, 0);
	snprintf(a1, sizeof a1, "--block:ro=%s", ro);
	snprintf(a2, sizeof a2, "--block:odd=%s", odd);
	snprintf(a3, sizeof a3, "--block:empty=%s", empty);
	char *argv[] = {"img", a1, a2, a3, "--block:missing=/nonexistent/x",
	                NULL};
	mg_unix_init(5, argv);
	mg_block b;
	ASSERT_EQ(mg_block_platform_connect(&b, "odd"), MG_EINVAL);
	ASSERT_EQ(mg_block_platform_connect(&b, "empty"), MG_EINVAL);
	ASSERT_EQ(mg_block_platform_connect(&b, "missing"), MG_EIO);
	/* Root writes through mode 0444: be nobody (this test's process
	 * is its own). */
	if (geteuid() == 0)
		ASSERT_TRUE(setgid(65534) == 0 && setuid(65534) == 0);
	ASSERT_EQ(mg_block_platform_connect(&b, "ro"), 0);
	mg_block_info info;
	mg_block_info_get(&b, &info);
	ASSERT_EQ(info.read_only, 1);
	uint8_t buf[512] = {0};
	ASSERT_EQ(mg_block_write(&b, 0, buf, 512), MG_EROFS);
	ASSERT_EQ(mg_block_flush(&b), 0);
	ASSERT_EQ(mg_block_read(&b, 1, buf, 512), 0);
	ASSERT_EQ(buf[511], 7);
	unlink(ro);
	unlink(odd);
	unlink(empty);
}
