/* Internal interfaces of the spt tender, shared by its source files. */
#ifndef MG_TENDER_SPT_H
#define MG_TENDER_SPT_H

#include <stdbool.h>
#include <stdint.h>

#define MG_SPT_HOST
#include <mg/spt_abi.h>

#include "../common/tender.h"

#define MG__SPT_VERSION "0.1"

typedef struct mg__spt {
	const char *image; /* path, prefixes every message */
	uint64_t mem_size;
	mg__tender_image img;
	struct mg_spt_boot_info *boot; /* in guest memory */
	uint64_t stack_top;
	int epoll_fd;
} mg__spt;

/* spt_mem.c: map guest memory, load the image's segments with their
 * permissions, and lay out the stack and the boot information. */
void mg__spt_mem_load(mg__spt *s, const uint8_t *file);

/* spt_seccomp.c: allow the guest's system calls only (mg/spt_abi.h). */
void mg__spt_seccomp(const mg__spt *s);

/* spt_fault.c: report the guest's faults and forbidden system calls,
 * from signal handlers on a stack of their own. */
void mg__spt_faults_init(const mg__spt *s);
/* spt_vdso.c: the host vDSO's clock_gettime, or 0. */
uint64_t mg__spt_vdso_clock_gettime(void);
/* The name of system call (nr), or NULL. */
const char *mg__spt_syscall_name(long nr);

#endif
