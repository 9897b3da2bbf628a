/* Shared declarations of the morgana command's files. */
#ifndef MORGANA_TOOL_H
#define MORGANA_TOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "../config/host_util.h"

#define MORGANA_VERSION "0.1.0"

/* Exit statuses of the tool (run passes the image's through). */
#define EXIT_FAIL  1  /* something went wrong; a message says what */
#define EXIT_USAGE 64 /* a bad command line (EX_USAGE) */

/* Where the installed files are, found from the executable's path. */
typedef struct tool_paths {
	char prefix[4096];  /* PREFIX, holding bin/morgana */
	char include[4096]; /* PREFIX/include */
	char lib[4096];     /* PREFIX/lib/morgana */
	char share[4096];   /* PREFIX/share/morgana */
} tool_paths;

extern tool_paths T;
extern char work_dir[4096]; /* the folder worked in (absolute), for messages */

/* --- util.c --- */
__attribute__((format(printf, 1, 2))) void say(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...);
int find_paths(void);
bool file_exists(const char *path);
bool is_dir(const char *path);
/* Modification time in ns; 0 if missing. */
long long mtime_ns(const char *path);
/* The whole file, NUL-terminated (malloc'ed), or NULL. */
char *read_file(const char *path);
int write_text(const char *path, const char *text);
int mkdirs(const char *path);
int remove_tree(const char *path);
/* The value of "KEY rest" line in (text), malloc'ed, or NULL. */
char *line_value(const char *text, const char *key);

/* Output of a child process, merged stdout and stderr. */
typedef struct capture {
	char *text;
	size_t len, cap;
} capture;

/*
 * Run (argv) and wait. With (cap), its stdout and stderr are collected
 * there and, when (echo) is 1 or 2, also copied to our fd 1 or 2 as they
 * come. Returns the exit status, 128 + the signal if killed, or -1 if it
 * could not start (after saying why).
 */
int spawn(char *const argv[], capture *cap, int echo);
void capture_free(capture *cap);

/* --- targets (util.c) --- */
bool target_known(const char *t);
/* "unix, hvt" (static buffer). */
const char *known_targets(void);
/* The last configured target (static buffer), or NULL. */
const char *last_target(void);

/* --- configure.c --- */
int cmd_configure(int argc, char **argv);
/*
 * Make sure (target) is configured and up to date with config.c, running
 * configure again with the saved flags if config.c changed. (target) NULL:
 * the last configured. Stores the target (static) in (*out). 0 or an exit
 * status after a message.
 */
int ensure_configured(const char *target, const char **out);
/* The folder of a target's build, "_build/unix" (static buffer). */
const char *build_dir(const char *target);

/* --- build.c --- */
int cmd_build(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_describe(int argc, char **argv);
int cmd_clean(int argc, char **argv);

/* --- net.c: device bindings of morgana run --- */
#define RUN_BINDS_MAX 64
typedef struct run_binds {
	char *args[RUN_BINDS_MAX]; /* "--net:NAME=TAP"..., for the image */
	int n;
	char *created[RUN_BINDS_MAX]; /* taps made here, removed after */
	int ncreated;
} run_binds;
/* "--net:..." or "--block:...": a binding option of run. */
bool is_binding_opt(const char *a);
bool given_kind_net(char *const *opts, int nopts);
/*
 * The bindings for the image's platform devices (_build/TARGET/
 * devices.txt): those given in (opts), and for each net device not given
 * one, as root, a new tap addressed in the subnet of the boot arguments'
 * --ipv4 (saying so). 0 or an exit status after a message.
 */
int run_bind(const char *target, char *const *opts, int nopts,
             char *const *boot, int nboot, run_binds *rb);
/* Remove the taps made and free (rb). */
void run_unbind(run_binds *rb);
/* Run (args) as a child, then run_unbind(); returns its exit status. */
int run_and_unbind(char *const *args, run_binds *rb);

/* --- storage.c --- */
/*
 * The first path of _build/TARGET/inputs.txt (folders and files that
 * configure read, for crunch and tar stores) changed or removed after
 * (since) ns, or NULL.
 */
const char *inputs_changed(const char *target, long long since);
/*
 * Add to (rb) a --block:NAME=FILE for each block device of the image
 * that (opts) does not bind: its file from config.c, created with zeros
 * when config.c gave a size. 0 or an exit status after a message.
 */
int run_bind_blocks(const char *target, char *const *opts, int nopts,
                    run_binds *rb);

/* Write the archives of _build/TARGET/tars.txt that are older than the
 * last configure. 0 or an exit status after a message. */
int build_tars(const char *target);
/* tool/tar.c: archive (folder) into (file). 0, or -1 after a message. */
int write_tar(const char *folder, const char *file);

/* --- new.c --- */
int cmd_new(int argc, char **argv);

/* --- main.c --- */
/* Print the help of (cmd) and return (status). */
int help(const char *cmd, int status);
/* "-t T", "-tT", "--target=T", "--target T": consumes; 1 if matched, 0 if
 * not, -1 after a message on a missing value. */
int target_opt(int argc, char **argv, int *i, const char **target);

#endif
