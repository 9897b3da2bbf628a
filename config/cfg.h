/* Internal data of the configuration library: the graph, keys, generators. */
#ifndef MG_CFG_H
#define MG_CFG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <mg/config.h>

/* A place in config.c. */
typedef struct mg__loc {
	const char *file;
	int line;
} mg__loc;

/* A growable array of pointers, allocated in the config's arena. */
typedef struct mg__vec {
	void **v;
	size_t n, cap;
} mg__vec;

typedef enum mg__ckey_type {
	MG__CKEY_STRING,
	MG__CKEY_INT,
	MG__CKEY_BOOL,
	MG__CKEY_CHOICE,
} mg__ckey_type;

/* A configure-time key. */
typedef struct mg__ckey {
	mg__ckey_type type;
	const char *name, *def, *choices, *doc;
	const char *value; /* effective value, text form */
	bool given;        /* on the command line */
	long long ivalue;
	bool bvalue;
	mg__loc at;
} mg__ckey;

struct mg_boot_key {
	mg_key_type type;
	const char *name;
	const char *def; /* text form; NULL: required */
	const char *doc;
	long long min, max;
	mg_device *owner; /* NULL: the application */
	mg__loc at;
};

struct mg_device {
	mg_config *c;
	const mg_device_desc *desc;
	const char *name; /* unique in the graph, a C identifier */
	size_t id;        /* creation order */
	mg__vec deps;     /* mg_device * */
	mg__vec keys;     /* mg_boot_key *, connect order */
	mg__loc at;       /* where it was created */
	mg__loc code_at;  /* where its connect code was written */
	const mg_device_desc *chosen_from; /* mg_device_choose() table */
	bool used;                         /* reachable from the application */
	int mark;                          /* graph walks */
	/* A device that acquires a platform device (mg/platform.h) names it
	 * here: the hvt manifest lists it and `morgana run` binds it. */
	const char *platform_name;
	int platform_kind; /* MG__PLATFORM_NET or _BLOCK; 0: none */
};

/* Kinds of platform devices, as in the hvt manifest (mg/hvt_abi.h). */
#define MG__PLATFORM_NET   1
#define MG__PLATFORM_BLOCK 2

struct mg_app {
	mg_config *c;
	const char *name, *start_fn;
	mg__loc at;
	mg__vec sources; /* const char * */
	mg__vec libs;    /* const char * */
	mg__vec cflags;  /* const char * */
	mg__vec args;    /* mg_device *, start parameter order */
	mg__vec params;  /* const char *, the start parameters' names */
};

/* What a configure run is given (by config/main.c or a test). */
typedef struct mg__cfg_opts {
	const char *target;      /* "unix" */
	const char *build_dir;   /* "_build/unix", relative to config.c */
	const char *prefix;      /* installed Morgana, for the Makefile */
	const char *config_file; /* "config.c", for messages */
	bool sanitize;           /* link the unix-san runtime */
	bool check_files;        /* sources must exist (not in unit tests) */
	int nflags;              /* configure flags: "--name=value" ... */
	char **flags;
} mg__cfg_opts;

struct mg_config {
	mg__cfg_opts o;
	void *arena;     /* every allocation, freed by mg__cfg_free */
	bool *flag_used; /* per o.flags entry */
	mg__vec ckeys;   /* mg__ckey * */
	mg__vec bkeys;   /* mg_boot_key *, declaration order */
	mg__vec devices; /* mg_device *, creation order */
	mg__vec order;   /* used devices, connect order (after check) */
	mg_app *app;
	int napps;
	mg__vec errors;   /* char *, "file:line: error: ..." */
	mg__vec warnings; /* char * */
};

/* --- memory and strings (util.c) --- */
void *mg__alloc(mg_config *c, size_t n); /* zeroed; exits when out */
void mg__arena_free(void *arena);
char *mg__strdup(mg_config *c, const char *s);
__attribute__((format(printf, 2, 3))) char *mg__fmt(mg_config *c,
                                                    const char *fmt, ...);
void mg__push(mg_config *c, mg__vec *v, void *p);
bool mg__is_ident(const char *s);   /* a C identifier */
bool mg__is_keyword(const char *s); /* a C keyword */
/* A lower case letter, then lower case letters, digits and (extra). */
bool mg__is_name(const char *s, const char *extra);
/* "a-b" -> "a_b" */
char *mg__c_name(mg_config *c, const char *s);
/* The (i)th space-separated word of (s) into the arena, NULL past the end. */
char *mg__word(mg_config *c, const char *s, size_t i);
size_t mg__nwords(const char *s);
bool mg__has_word(const char *list, const char *word, char sep);
size_t mg__edit_distance(const char *a, const char *b);

/* --- diagnostics (util.c): (file) NULL for no place (a command-line
 * flag), (line) 0 for the whole file --- */
__attribute__((format(printf, 4, 5))) void
mg__err(mg_config *c, const char *file, int line, const char *fmt, ...);
__attribute__((format(printf, 4, 5))) void
mg__warn(mg_config *c, const char *file, int line, const char *fmt, ...);

/* --- output buffer that counts lines, for #line (buf.c) --- */
typedef struct mg__buf {
	char *p;
	size_t len, cap;
	int line; /* the line being written, from 1 */
	bool oom;
} mg__buf;
void mg__buf_put(mg__buf *b, const char *s);
__attribute__((format(printf, 2, 3))) void mg__buf_printf(mg__buf *b,
                                                          const char *fmt, ...);
/* (s) as the body of a C string literal (no quotes). */
void mg__buf_cstr(mg__buf *b, const char *s);
/* #line back to the buffer's own position in (file). */
void mg__buf_line_here(mg__buf *b, const char *file);
/* The text (malloc'ed, the caller frees) or NULL when out of memory. */
char *mg__buf_take(mg__buf *b);

/* --- devices (device.c, template.c) --- */
extern mg_config *mg__current; /* the config being evaluated */
/* Expand (d)'s code template into (out), or only check it when (out) is
 * NULL. A bad placeholder is an error at the template's line. */
bool mg__expand_code(mg_config *c, mg_device *d, mg__buf *out);
/* The connect statement of (d): a call or its expanded template. */
void mg__connect_stmt(mg_config *c, mg_device *d, mg__buf *out);
/* The built-in implementations of (module), ended by {NULL}, or NULL. */
const mg_device_desc *mg__builtin_impls(const char *module);

/* --- lifecycle and checks (graph.c) --- */
mg_config *mg__cfg_new(const mg__cfg_opts *o);
void mg__cfg_free(mg_config *c);
/* After mg_configure: unknown flags, the graph, the connect order.
 * Returns the number of errors. */
int mg__cfg_check(mg_config *c);
/* Configure flags nobody declared (graph.c calls it from the check). */
void mg__check_flags(mg_config *c);
/* The boot keys in the image in --help order: the application's, then
 * the devices' in connect order (after a successful check). */
void mg__image_keys(mg_config *c, mg__vec *out);
/* C type of a boot key's value. */
const char *mg__bkey_ctype(mg_key_type t);
const char *mg__bkey_type_name(mg_key_type t);

/* --- generators (gen_main.c, gen_build.c); malloc'ed text --- */
char *mg__gen_main(mg_config *c);
char *mg__gen_app_h(mg_config *c);
char *mg__gen_makefile(mg_config *c);
char *mg__gen_describe(mg_config *c);
char *mg__gen_dot(mg_config *c);
/* For `morgana configure --help`: every key, both stages. */
char *mg__gen_keys_help(mg_config *c);
/* The configure flags, one per line, for `morgana build` to re-run. */
char *mg__gen_saved_args(mg_config *c);
/* "net NAME" and "block NAME" lines: the image's platform devices, in
 * connect order, for `morgana run` to bind. */
char *mg__gen_platform_devices(mg_config *c);
/* "configure NAME" and "boot NAME" lines, for the tool's hints. */
char *mg__gen_key_index(mg_config *c);
/* Start function, its place, prototype and the sources, for the tool. */
char *mg__gen_app_info(mg_config *c);

#endif
