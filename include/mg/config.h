/* The configuration API: what a unikernel's config.c uses (host side only). */
#ifndef MG_CONFIG_H
#define MG_CONFIG_H

/*
 * config.c is a host program, never linked into an image. It defines
 *
 *	void mg_configure(mg_config *c);
 *
 * `morgana configure` compiles it against libmgconfig.a (which provides
 * main()), runs it, checks the device graph it describes, and writes
 * main.c, mg_app.h and a Makefile into _build/<target>/.
 *
 * Errors: a call given something wrong (a bad key name, a device that does
 * not support the target, a dependency of the wrong module type...) MUST
 * NOT abort config.c: it records an error at the caller's config.c line,
 * returns a usable value (the default, a placeholder device), and
 * configure fails after mg_configure() returns, listing every error. So
 * these functions never return NULL.
 *
 * Nothing here is valid after mg_configure() returns.
 */

#include <stdbool.h>
#include <stddef.h>

typedef struct mg_config mg_config;     /* one configure run */
typedef struct mg_device mg_device;     /* a node of the device graph */
typedef struct mg_app mg_app;           /* the application */
typedef struct mg_boot_key mg_boot_key; /* a boot-time key */

/* The types of boot keys (the same as mg_arg_type in mg/args.h). */
typedef enum mg_key_type {
	MG_KEY_STRING,      /* const char *; a NULL default makes it required */
	MG_KEY_INT,         /* int64_t within [min, max] */
	MG_KEY_BOOL,        /* bool */
	MG_KEY_IPV4,        /* mg_ipv4_addr */
	MG_KEY_IPV4_PREFIX, /* mg_ipv4_prefix */
} mg_key_type;

/* A boot key a device declares in its description (see mg_device_desc). */
typedef struct mg_key_desc {
	const char *name;
	mg_key_type type;
	const char *def; /* text form; NULL: required */
	const char *doc;
	long long min, max; /* MG_KEY_INT only; both 0: unbounded */
} mg_key_desc;

/* Defined by config.c. */
void mg_configure(mg_config *c);

/* The caller's location, recorded by the macros below. */
#define MG__AT __FILE__, __LINE__

/* The target being configured: "unix", "hvt" or "spt". */
const char *mg_target(mg_config *c);

/* --- configure-time keys ---
 *
 * Read while config.c runs: `morgana configure --name=value`. (name) is
 * lower case letters, digits and '-'; a bool is also given as --name or
 * --no-name. A value that does not parse, a choice that is not listed and
 * a flag that no key declares fail configure, naming the flag and listing
 * the valid ones. `morgana configure --help` lists the keys with (doc).
 * Each returns the given value, else (def). Declaring a key twice with the
 * same type returns the same value; with another type is an error.
 */
#define mg_key_string(c, name, def, doc)                                       \
	mg__key_string((c), (name), (def), (doc), MG__AT)
#define mg_key_int(c, name, def, doc)                                          \
	mg__key_int((c), (name), (def), (doc), MG__AT)
#define mg_key_bool(c, name, def, doc)                                         \
	mg__key_bool((c), (name), (def), (doc), MG__AT)
/* (choices) separated by '|': "socket|direct"; (def) MUST be one of them. */
#define mg_key_choice(c, name, def, choices, doc)                              \
	mg__key_choice((c), (name), (def), (choices), (doc), MG__AT)

/* --- boot-time keys ---
 *
 * Parsed by the image at boot (mg/args.h): `dist/hello.unix --name=value`.
 * A key is the application's (a field of `struct mg_keys` in mg_app.h,
 * '-' becoming '_') unless given to a device with mg_device_key(), which
 * passes its value to the device's connect function. Names are global to
 * the image: two keys of the same name are an error, as is a boot key
 * named like a configure key. Defaults are checked now (type, range).
 */
#define mg_boot_string(c, name, def, doc)                                      \
	mg__boot_key((c), MG_KEY_STRING, (name), (def), 0, 0, (doc), MG__AT)
/* (min, max) bound the value; both 0 means unbounded. */
#define mg_boot_int(c, name, def, min, max, doc)                               \
	mg__boot_int((c), (name), (def), (min), (max), (doc), MG__AT)
#define mg_boot_bool(c, name, def, doc)                                        \
	mg__boot_key((c), MG_KEY_BOOL, (name), (def) ? "true" : "false", 0, 0, \
	             (doc), MG__AT)
/* Defaults in text form, "10.0.0.2" and "10.0.0.2/24"; NULL: required. */
#define mg_boot_ipv4(c, name, def, doc)                                        \
	mg__boot_key((c), MG_KEY_IPV4, (name), (def), 0, 0, (doc), MG__AT)
#define mg_boot_ipv4_prefix(c, name, def, doc)                                 \
	mg__boot_key((c), MG_KEY_IPV4_PREFIX, (name), (def), 0, 0, (doc),      \
	             MG__AT)

/* --- devices ---
 *
 * A device is data: an implementation of a module type, how to connect it,
 * what it needs. The generated main.c has one static instance of (ctype)
 * per device and connects the devices in dependency order with
 *
 *	rc = connect(&self, &dep0, &dep1, ..., key0, key1, ...);
 *
 * (deps in mg_device_dep() order, then the device's boot keys by value:
 * const char *, int64_t, bool, mg_ipv4_addr, mg_ipv4_prefix), or with its
 * code template, in which
 *	${self}      is a pointer to the instance (&dev_NAME),
 *	${dep0} ...  pointers to the dependencies, in order,
 *	${key:NAME}  the value of the device's boot key --NAME,
 *	$$           a '$';
 * the template MUST set `rc` to 0 or a negative MG_E code. Either is
 * compiled under a #line pointing at config.c (see MG_CONNECT, MG_CODE),
 * so a mistake there is reported at that line.
 */
typedef struct mg_device_desc {
	const char *name;    /* instance name: "console"; made unique */
	const char *module;  /* module type: "console" */
	const char *impl;    /* implementation: "platform" */
	const char *ctype;   /* runtime C type: "mg_console" */
	const char *header;  /* runtime header: "mg/console.h" */
	const char *connect; /* connect function, or: */
	const char *code;    /* a code template (exactly one of the two) */
	const char *at_file; /* where connect/code was written (MG_CONNECT, */
	int at_line;         /* MG_CODE); else where mg_device_new was called */
	const char *deps;    /* module types of the dependencies, in order,
	                        separated by spaces: "netif mclock"; NULL: none */
	const char *libs;    /* libraries to link: "mgcore" (-lNAME else) */
	const char *sources; /* extra C sources, relative to config.c */
	const char *targets; /* supported targets: "unix hvt"; NULL: all */
	const mg_key_desc *keys; /* boot keys, ended by {NULL}; may be NULL */
	/* Optional: a function called as `rc = disconnect(&self);` when the
	 * unikernel exits cleanly (start() returned, or mg_exit()), devices
	 * in reverse connect order, only those connected; it MUST make the
	 * device's state durable or released (a store's buffered changes, a
	 * DHCP lease) and return 0 or a negative MG_E code. NULL: nothing. */
	const char *disconnect;
} mg_device_desc;

/* Designated initializers that record their config.c line. */
#define MG_CONNECT(fn) .connect = (fn), .at_file = __FILE__, .at_line = __LINE__
#define MG_CODE(text)  .code = (text), .at_file = __FILE__, .at_line = __LINE__

/* A new device described by (desc), which MUST outlive configure (a static
 * is right). Its keys (desc->keys) become boot keys owned by it. */
#define mg_device_new(c, desc) mg__device_new((c), (desc), MG__AT)

/* Add (dep) as the next dependency of (d). Checked against desc->deps. */
#define mg_device_dep(d, dep) mg__device_dep((d), (dep), MG__AT)

/* Give boot key (k) to (d): its value becomes the next connect argument. */
#define mg_device_key(d, k) mg__device_key((d), (k), MG__AT)

/*
 * A generic device: the first of (impls) (an array ended by {NULL}) that
 * supports the target and, if (impl) is not NULL, is named (impl) (for
 * instance the value of a configure key). Called again with the same
 * (impls) and (impl), returns the same device (devices without
 * dependencies are shared). If none fits, an error lists the candidates
 * and the targets they support.
 */
#define mg_device_choose(c, impls, impl)                                       \
	mg__device_choose((c), (impls), (impl), MG__AT)

/* The device's name, module type, implementation. */
const char *mg_device_name(const mg_device *d);
const char *mg_device_module(const mg_device *d);
const char *mg_device_impl(const mg_device *d);

/*
 * Typed handles. MG_MODULE_TYPE(console) declares an opaque mg_console
 * (the config-side handle of a console device, unrelated to the runtime
 * struct of mg/console.h, which config.c never includes) and
 *	mg_device *mg_console_device(mg_console *h);
 *	mg_console *mg_console_of(mg_device *d);  (checks the module type)
 *	void mg_app_console(mg_app *a, mg_console *h);  (next start argument)
 * Passing a mg_time * where a mg_console * is expected is then a compile
 * error in config.c (the tool compiles it with
 * -Werror=incompatible-pointer-types).
 */
#define MG_MODULE_TYPE(t)                                                      \
	typedef struct mg_##t mg_##t;                                          \
	static inline mg_device *mg_##t##_device(mg_##t *h)                    \
	{                                                                      \
		return (mg_device *)(void *)h;                                 \
	}                                                                      \
	static inline mg_##t *mg_##t##_of(mg_device *d)                        \
	{                                                                      \
		return (mg_##t *)(void *)mg__device_expect(d, #t);             \
	}                                                                      \
	static inline void mg_app_##t(mg_app *a, mg_##t *h)                    \
	{                                                                      \
		mg__app_device(a, (mg_device *)(void *)h, #t);                 \
	}

/* --- the application --- */

/*
 * The application (name) (the image is dist/NAME.TARGET) whose start
 * function (start_fn) receives the devices given with mg_app_TYPE() in
 * that order:
 *	int start_fn(mg_console *console, mg_time *time);
 * mg_app.h declares it; its value is the unikernel's exit status.
 * Called exactly once.
 */
#define mg_main(c, name, start_fn) mg__main((c), (name), (start_fn), MG__AT)

/* A C source of the application, relative to config.c. */
#define mg_app_source(a, path) mg__app_source((a), (path), MG__AT)

/* A library to link (-lNAME), e.g. "m". */
void mg_app_lib(mg_app *a, const char *lib);

/* Extra compiler flags for the application's sources, e.g. "-DNDEBUG". */
void mg_app_cflags(mg_app *a, const char *flags);

/*
 * The memory of the hvt or spt guest that `morgana run` starts, in MiB (2
 * to 4096; the tenders' default is 16): an image whose crunched data or
 * heap needs more runs by `morgana run` alone. Called more than once, the
 * largest wins; `morgana run --mem=MiB` overrides it. unix ignores it.
 */
#define mg_hvt_mem(c, mib) mg__hvt_mem((c), (mib), MG__AT)

/* Fail configure with a message at the caller's line (printf format). */
#define mg_config_error(c, ...) mg__error_at((c), MG__AT, __VA_ARGS__)

/* --- behind the macros above; call those instead --- */
const char *mg__key_string(mg_config *c, const char *name, const char *def,
                           const char *doc, const char *file, int line);
long long mg__key_int(mg_config *c, const char *name, long long def,
                      const char *doc, const char *file, int line);
bool mg__key_bool(mg_config *c, const char *name, bool def, const char *doc,
                  const char *file, int line);
const char *mg__key_choice(mg_config *c, const char *name, const char *def,
                           const char *choices, const char *doc,
                           const char *file, int line);
mg_boot_key *mg__boot_key(mg_config *c, mg_key_type type, const char *name,
                          const char *def, long long min, long long max,
                          const char *doc, const char *file, int line);
mg_boot_key *mg__boot_int(mg_config *c, const char *name, long long def,
                          long long min, long long max, const char *doc,
                          const char *file, int line);
mg_device *mg__device_new(mg_config *c, const mg_device_desc *desc,
                          const char *file, int line);
void mg__device_dep(mg_device *d, mg_device *dep, const char *file, int line);
void mg__device_key(mg_device *d, mg_boot_key *k, const char *file, int line);
mg_device *mg__device_choose(mg_config *c, const mg_device_desc *impls,
                             const char *impl, const char *file, int line);
mg_device *mg__device_expect(mg_device *d, const char *module);
mg_device *mg__default(mg_config *c, const char *module, const char *file,
                       int line);
mg_app *mg__main(mg_config *c, const char *name, const char *start_fn,
                 const char *file, int line);
void mg__app_source(mg_app *a, const char *path, const char *file, int line);
void mg__app_device(mg_app *a, mg_device *d, const char *module);
__attribute__((format(printf, 4, 5))) void
mg__error_at(mg_config *c, const char *file, int line, const char *fmt, ...);
void mg__hvt_mem(mg_config *c, long long mib, const char *file, int line);

/* --- built-in module types and devices --- */

MG_MODULE_TYPE(console)
MG_MODULE_TYPE(mclock)
MG_MODULE_TYPE(pclock)
MG_MODULE_TYPE(time)
MG_MODULE_TYPE(random)

/*
 * The default device of each built-in module type for the target (shared:
 * calling one twice gives the same device). On unix: console on stdout,
 * clocks from clock_gettime, time on the core scheduler's timers, random a
 * ChaCha20 generator seeded by the platform (mg/random.h).
 */
#define mg_default_console(c) mg_console_of(mg__default((c), "console", MG__AT))
#define mg_default_mclock(c)  mg_mclock_of(mg__default((c), "mclock", MG__AT))
#define mg_default_pclock(c)  mg_pclock_of(mg__default((c), "pclock", MG__AT))
#define mg_default_time(c)    mg_time_of(mg__default((c), "time", MG__AT))
#define mg_default_random(c)  mg_random_of(mg__default((c), "random", MG__AT))

/* --- networking (config/dev_net.c; docs/network.md) --- */

MG_MODULE_TYPE(netif)
MG_MODULE_TYPE(stackv4)

/*
 * The platform's network device (name) (lower case letters, digits, '_';
 * at most 31 characters): listed in the hvt image's manifest and bound by
 * `morgana run` (--net:NAME=TAP), which passes the binding to the tender
 * on hvt and to the image on unix (mg/platform_unix.h). Boot key --net-mac
 * (the first netif; --NAME-mac for the others). The same (name) again
 * gives the same device.
 */
#define mg_netif(c, name) mg_netif_of(mg__netif((c), (name), MG__AT))

/*
 * The direct stack (net/: our own TCP/IP) over (netif), with boot keys
 * --ipv4=ADDR/PREFIX (default 10.0.0.2/24), --ipv4-gateway=ADDR (default
 * none), --dhcp (take the address from a DHCP server; the configure flag
 * --dhcp sets its default). Over a netif other than the first the keys
 * are --NAME-ipv4, --NAME-ipv4-gateway, --NAME-dhcp.
 */
#define mg_direct_stackv4(c, netif)                                            \
	mg_stackv4_of(mg__direct_stackv4((c), mg_netif_device(netif), MG__AT))

/*
 * The socket stack (socket/: the host's TCP/IP through its sockets; unix
 * only) with boot key --ipv4=ADDR/PREFIX (the address to bind, default
 * 0.0.0.0/0: every host address). Shared, as a built-in device.
 */
#define mg_socket_stackv4(c) mg_stackv4_of(mg__socket_stackv4((c), MG__AT))

/*
 * The stack that the configure key --net=socket|direct picks: the socket
 * stack by default on unix, the direct stack over mg_netif(c, "service")
 * with --net=direct and always on hvt. Shared.
 */
#define mg_generic_stackv4(c) mg_stackv4_of(mg__generic_stackv4((c), MG__AT))

mg_device *mg__netif(mg_config *c, const char *name, const char *file,
                     int line);
mg_device *mg__direct_stackv4(mg_config *c, mg_device *netif, const char *file,
                              int line);
mg_device *mg__socket_stackv4(mg_config *c, const char *file, int line);
mg_device *mg__generic_stackv4(mg_config *c, const char *file, int line);

/* --- storage (config/dev_storage.c; docs/storage.md) --- */

MG_MODULE_TYPE(block)
MG_MODULE_TYPE(kv_ro)
MG_MODULE_TYPE(kv_rw)

/*
 * The platform's block device (name) (at most 31 lower case letters,
 * digits and '_'), listed in the hvt image's manifest. `morgana run` binds
 * it to (file) (relative to config.c; NULL: the run must give
 * --block:NAME=FILE), first creating (file) with (size) zero bytes if it
 * does not exist (size 0: it must exist); --block:NAME=FILE given to
 * `morgana run` binds another. The same (name) again gives the same
 * device.
 */
#define mg_block_file(c, name, file, size)                                     \
	mg_block_of(mg__block_file((c), (name), (file), (size), MG__AT))

/*
 * kv_ro stores (mg/kv_ro.h) of the host folder (folder), relative to
 * config.c:
 * - crunch: configure copies the folder into the image (each file's bytes
 *   by .incbin, so megabytes cost no more than their size); `morgana
 *   build` configures again when anything in the folder changes;
 * - fs (unix only): the image reads the folder at run time;
 * - tar: `morgana build` archives the folder with GNU tar into
 *   dist/APP-NAME.tar, which `morgana run` binds to a block device NAME
 *   named after the folder (its last component, lower-cased, other
 *   characters as '_');
 * - generic: the one that the configure key --kv=crunch|fs|tar picks
 *   (default crunch).
 * mg_tar_kv_ro() reads a tar archive from a block device of your own.
 */
#define mg_crunch_kv_ro(c, folder)                                             \
	mg_kv_ro_of(mg__kv_ro_folder((c), "crunch", (folder), MG__AT))
#define mg_fs_kv_ro(c, folder)                                                 \
	mg_kv_ro_of(mg__kv_ro_folder((c), "fs", (folder), MG__AT))
#define mg_tar_folder_kv_ro(c, folder)                                         \
	mg_kv_ro_of(mg__kv_ro_folder((c), "tar", (folder), MG__AT))
#define mg_generic_kv_ro(c, folder)                                            \
	mg_kv_ro_of(mg__kv_ro_folder((c), NULL, (folder), MG__AT))
#define mg_tar_kv_ro(c, block)                                                 \
	mg_kv_ro_of(mg__tar_kv_ro((c), mg_block_device(block), MG__AT))

/*
 * kv_rw store (mg/kv_rw.h, docs/storage.md): the log-structured store on
 * (block), named (name) (as a block device's name). Its boot keys carry
 * the name, '_' as '-': --NAME-durable (default true: every change is
 * flushed before it returns; false: durable at sync() or a batch),
 * --NAME-format (erase at boot), --NAME-max-entries (files and directories
 * it can hold, which bounds its memory; default 65536), --NAME-cache-kib
 * (read cache, default 256). A blank device is formatted at first boot.
 */
#define mg_store_kv_rw(c, name, block)                                         \
	mg_kv_rw_of(mg__store_kv_rw((c), (name), mg_block_device(block), MG__AT))

mg_device *mg__block_file(mg_config *c, const char *name, const char *file,
                          unsigned long long size, const char *at_file,
                          int line);
mg_device *mg__kv_ro_folder(mg_config *c, const char *impl,
                            const char *folder, const char *file, int line);
mg_device *mg__tar_kv_ro(mg_config *c, mg_device *block, const char *file,
                         int line);

/*
 * The host folder (folder) (relative to config.c) as a read-write store
 * (mg/kv_rw.h: unix only; each change durable on return).
 */
#define mg_fs_kv_rw(c, folder)                                                 \
	mg_kv_rw_of(mg__fs_kv_rw((c), (folder), MG__AT))
mg_device *mg__fs_kv_rw(mg_config *c, const char *folder, const char *file,
                        int line);
mg_device *mg__store_kv_rw(mg_config *c, const char *name, mg_device *block,
                           const char *file, int line);

#endif
