/* Opening what the bindings name: taps, block files; the guest's seed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tender.h"
#include "../../platform/block_lock.h"
#include "../../platform/tap_vnet.h"

#define SECTOR 512

int mg__tender_tap_open(const char *name, const char *tap, int *fd_out,
                        uint16_t *mtu_out, unsigned *offloads, uint8_t mac[6])
{
	if (strlen(tap) >= IFNAMSIZ) {
		mg__tender_msg("--net:%s=%s: interface names have at most 15 "
		               "characters",
		               name, tap);
		return -1;
	}
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		mg__tender_msg("--net:%s=%s: cannot open /dev/net/tun: %s",
		               name, tap, strerror(errno));
		return -1;
	}
	int e = mg__tap_attach(fd, tap);
	if (e) {
		mg__tender_msg("--net:%s=%s: %s", name, tap,
		               mg__tap_attach_error(e));
		close(fd);
		return -1;
	}
	/* Frames of the guests' rings and buffers are at most 9000 + 14. */
	uint16_t mtu = mg__tap_mtu(tap, 9000);
	/* The tap's own MAC is the host's end of the wire: the guest gets
	 * a random locally administered one. */
	if (getrandom(mac, 6, 0) != 6) {
		mg__tender_msg("--net:%s: getrandom: %s", name,
		               strerror(errno));
		close(fd);
		return -1;
	}
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
	*fd_out = fd;
	*mtu_out = mtu;
	*offloads = mg__tap_offloads(fd);
	return 0;
}

int mg__tender_block_open(const char *name, const char *file, int *fd_out,
                          uint64_t *capacity, bool *read_only)
{
	bool ro = false;
	int fd = open(file, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		ro = true;
	}
	if (fd < 0) {
		mg__tender_msg("--block:%s: cannot open '%s': %s", name, file,
		               strerror(errno));
		return -1;
	}
	off_t size = lseek(fd, 0, SEEK_END);
	if (size < SECTOR || size % SECTOR) {
		mg__tender_msg("--block:%s: '%s' is %s", name, file,
		               size < 0 ? "not seekable"
		               : size < SECTOR
		                   ? "smaller than one 512-byte sector"
		                   : "not a whole number of 512-byte sectors");
		close(fd);
		return -1;
	}
	char why[256];
	if (mg__block_lock(fd, ro, why, sizeof why) < 0) {
		mg__tender_msg("--block:%s: '%s' %s", name, file, why);
		close(fd);
		return -1;
	}
	*fd_out = fd;
	*capacity = (uint64_t)size;
	*read_only = ro;
	return 0;
}

void mg__tender_fill_seed(uint8_t *seed, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(seed + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			mg__tender_die(MG_HVT_EXIT_HOST, "getrandom: %s",
			               strerror(errno));
		got += (size_t)n;
	}
}
