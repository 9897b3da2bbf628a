/* morgana configure: compile config.c, run it, keep its generated files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morgana.h"

const char *build_dir(const char *target)
{
	static char dir[256];
	snprintf(dir, sizeof(dir), "_build/%s", target);
	return dir;
}

static int need_config_c(void)
{
	if (file_exists("config.c"))
		return 0;
	fail("no config.c in %s: run 'morgana new NAME' to start one%s",
	     work_dir,
	     is_dir("_build") ? ""
	                      : "\n  (or 'morgana -C DIR ...' to work in DIR)");
	return EXIT_FAIL;
}

static int check_target(const char *t)
{
	if (target_known(t))
		return 0;
	fail("unknown target '%s'; known targets: %s", t, known_targets());
	return EXIT_USAGE;
}

/* Explain a failed compile of config.c beyond the compiler's words. */
static void explain_config_errors(const char *out)
{
	if (out && strstr(out, "undefined reference to `mg_configure'")) {
		fail("config.c does not define mg_configure(): it must have\n"
		     "  void mg_configure(mg_config *c) { ... }");
		return;
	}
	if (out && (strstr(out, "incompatible-pointer-types") ||
	            strstr(out, "incompatible pointer type")))
		fail("config.c does not compile: a device of one module type "
		     "is given where another is expected (see the "
		     "config.c line above)");
	else
		fail("config.c does not compile (see the errors above)");
}

/* Compile config.c with the configuration library into (bin). */
static int compile_config(const char *bin)
{
	char inc[4200], lib[4200];
	snprintf(inc, sizeof(inc), "-I%s", T.include);
	snprintf(lib, sizeof(lib), "%s/host/libmgconfig.a", T.lib);
	if (!file_exists(lib)) {
		fail("my installation has no %s", lib);
		return EXIT_FAIL;
	}
	const char *cc = getenv("HOSTCC");
	cc = cc && *cc ? cc : "cc";
	/* gcc reports an error in an API macro at the macro's definition in
	 * mg/config.h; this flag makes it report the config.c line. clang
	 * reports that line anyway, and refuses the flag. */
	char *probe[] = {(char *)cc,
	                 "-ftrack-macro-expansion=0",
	                 "-fsyntax-only",
	                 "-x",
	                 "c",
	                 "/dev/null",
	                 NULL};
	capture ignored = {0};
	bool track = spawn(probe, &ignored, 0) == 0;
	capture_free(&ignored);
	char *argv[16];
	int n = 0;
	argv[n++] = (char *)cc;
	argv[n++] = "-std=gnu11";
	argv[n++] = "-g";
	argv[n++] = "-Wall";
	/* A wiring mistake is a type error, not a warning. */
	argv[n++] = "-Werror=incompatible-pointer-types";
	argv[n++] = "-Werror=implicit-function-declaration";
	argv[n++] = "-Werror=int-conversion";
	if (track)
		argv[n++] = "-ftrack-macro-expansion=0";
	argv[n++] = inc;
	argv[n++] = "config.c";
	argv[n++] = lib;
	argv[n++] = "-o";
	argv[n++] = (char *)bin;
	argv[n] = NULL;
	capture cap = {0};
	int rc = spawn(argv, &cap, 2);
	if (rc != 0 && rc != -1)
		explain_config_errors(cap.text);
	capture_free(&cap);
	return rc == 0 ? 0 : EXIT_FAIL;
}

/* Run the compiled config.c; (list): only print its keys. */
static int run_config(const char *bin, const char *target, bool list,
                      bool sanitize, int nflags, char **flags)
{
	char t[128], dir[300], pre[4200];
	snprintf(t, sizeof(t), "--target=%s", target);
	snprintf(dir, sizeof(dir), "--build-dir=%s", build_dir(target));
	snprintf(pre, sizeof(pre), "--prefix=%s", T.prefix);
	char **argv = calloc((size_t)nflags + 12, sizeof(char *));
	if (!argv)
		return EXIT_FAIL;
	int n = 0;
	argv[n++] = (char *)bin;
	if (list)
		argv[n++] = "--list-keys";
	if (sanitize)
		argv[n++] = "--sanitize";
	argv[n++] = t;
	argv[n++] = dir;
	argv[n++] = pre;
	argv[n++] = "--config=config.c";
	argv[n++] = "--";
	for (int i = 0; i < nflags; i++)
		argv[n++] = flags[i];
	argv[n] = NULL;
	int rc = spawn(argv, NULL, 0);
	free(argv);
	if (rc == 0)
		return 0;
	if (rc == 1)
		fail("configure failed for target %s (see above)", target);
	else if (rc == 2)
		fail("config.c's program and this morgana disagree (an old "
		     "build?): run 'morgana clean' and configure again");
	else if (rc > 128)
		fail("config.c crashed while running mg_configure() (signal "
		     "%d): debug it with gdb --args %s%s",
		     rc - 128, bin, list ? " --list-keys" : "");
	else if (rc != -1)
		fail("config.c exited with status %d while running "
		     "mg_configure(): it should only describe the unikernel",
		     rc);
	return EXIT_FAIL;
}

static int configure(const char *target, bool sanitize, int nflags,
                     char **flags)
{
	int rc;
	if ((rc = need_config_c()) || (rc = check_target(target)))
		return rc;
	if (sanitize) {
		char san[4200];
		snprintf(san, sizeof(san), "%s/%s-san", T.lib, target);
		if (!is_dir(san)) {
			fail("--sanitize: there is no sanitized runtime for "
			     "target %s (%s is missing)",
			     target, san);
			return EXIT_USAGE;
		}
	}
	if (strpbrk(T.prefix, " \t\n")) {
		fail(
		    "I am installed in '%s', a path with a space: make cannot "
		    "build from there. Install Morgana elsewhere (make install "
		    "PREFIX=/opt/morgana)",
		    T.prefix);
		return EXIT_FAIL;
	}
	const char *dir = build_dir(target);
	if (mkdirs(dir) != 0)
		return EXIT_FAIL;
	char bin[300];
	snprintf(bin, sizeof(bin), "%s/config.bin", dir);
	if ((rc = compile_config(bin)) ||
	    (rc = run_config(bin, target, false, sanitize, nflags, flags)))
		return rc;
	char last[64];
	snprintf(last, sizeof(last), "%s\n", target);
	if (write_text("_build/last-target", last) != 0)
		return EXIT_FAIL;
	char path[300];
	snprintf(path, sizeof(path), "%s/image", dir);
	char *image = read_file(path);
	if (image)
		image[strcspn(image, "\n")] = '\0';
	say("configured %s for target %s%s (generated %s/: main.c, "
	    "mg_app.h, Makefile); next: morgana build",
	    image ? image : "the unikernel", target,
	    sanitize ? " with ASan+UBSan" : "", dir);
	free(image);
	return 0;
}

/* `configure --help`: the tool's help, then this unikernel's keys. */
static int configure_help(const char *target)
{
	help("configure", 0);
	if (!file_exists("config.c")) {
		printf("\n(no config.c in %s: run this in a unikernel's "
		       "folder to see its keys)\n",
		       work_dir);
		return 0;
	}
	if (!target)
		target = last_target() ? last_target() : "unix";
	if (check_target(target))
		return EXIT_USAGE;
	const char *dir = build_dir(target);
	char bin[300];
	snprintf(bin, sizeof(bin), "%s/config.bin", dir);
	printf("\n");
	fflush(stdout);
	if (mkdirs(dir) != 0 || compile_config(bin) != 0)
		return EXIT_FAIL;
	return run_config(bin, target, true, false, 0, NULL);
}

int cmd_configure(int argc, char **argv)
{
	const char *target = NULL;
	bool sanitize = false, want_help = false;
	char **flags = calloc((size_t)argc + 1, sizeof(char *));
	int nflags = 0;
	if (!flags)
		return EXIT_FAIL;
	for (int i = 1; i < argc; i++) {
		int t = target_opt(argc, argv, &i, &target);
		if (t < 0) {
			free(flags);
			return EXIT_USAGE;
		}
		if (t)
			continue;
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			want_help = true;
		else if (strcmp(a, "--sanitize") == 0)
			sanitize = true;
		else if (strncmp(a, "--", 2) == 0 && a[2])
			flags[nflags++] = argv[i];
		else {
			fail("configure: unexpected argument '%s': configure "
			     "keys are given as --NAME=VALUE (morgana "
			     "configure --help lists them)",
			     a);
			free(flags);
			return EXIT_USAGE;
		}
	}
	int rc;
	if (want_help)
		rc = configure_help(target);
	else
		rc = configure(
		    target ? target : (last_target() ? last_target() : "unix"),
		    sanitize, nflags, flags);
	free(flags);
	return rc;
}

/* Configure again with the flags saved by the last configure. */
static int reconfigure(const char *target, const char *why)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/configure.args", build_dir(target));
	char *saved = read_file(path);
	if (!saved)
		saved = calloc(1, 1);
	if (!saved)
		return EXIT_FAIL;
	char *flags[256];
	int n = 0;
	bool sanitize = false;
	for (char *l = strtok(saved, "\n"); l && n < 256;
	     l = strtok(NULL, "\n")) {
		if (strcmp(l, "--sanitize") == 0)
			sanitize = true;
		else
			flags[n++] = l;
	}
	printf("morgana: %s: configuring again: morgana configure -t %s%s", why,
	       target, sanitize ? " --sanitize" : "");
	for (int i = 0; i < n; i++)
		printf(" %s", flags[i]);
	printf("\n");
	int rc = configure(target, sanitize, n, flags);
	if (rc)
		fail(
		    "that configure reused the keys of the last one; to change "
		    "them, run 'morgana configure -t %s' with the keys you "
		    "want",
		    target);
	free(saved);
	return rc;
}

int ensure_configured(const char *target, const char **out)
{
	static char chosen[64];
	int rc;
	if ((rc = need_config_c()))
		return rc;
	if (!target) {
		target = last_target();
		if (!target) {
			fail("nothing is configured in %s: run 'morgana "
			     "configure -t unix' first",
			     work_dir);
			return EXIT_FAIL;
		}
	} else if ((rc = check_target(target))) {
		return rc;
	}
	snprintf(chosen, sizeof(chosen), "%s", target);
	*out = chosen;
	char stamp[300], lib[4200];
	snprintf(stamp, sizeof(stamp), "%s/configure.args", build_dir(chosen));
	snprintf(lib, sizeof(lib), "%s/host/libmgconfig.a", T.lib);
	long long when = mtime_ns(stamp);
	if (!when) {
		fail("target %s is not configured in %s: run 'morgana "
		     "configure -t %s' first",
		     chosen, work_dir, chosen);
		return EXIT_FAIL;
	}
	if (mtime_ns("config.c") > when)
		return reconfigure(chosen, "config.c changed");
	const char *input = inputs_changed(chosen, when);
	if (input) {
		char why[4200];
		snprintf(why, sizeof(why), "%s changed", input);
		return reconfigure(chosen, why);
	}
	/* The Makefile names the installation that configured: another
	 * morgana (a new install, _out/ then PREFIX) configures again. */
	char mk[300];
	snprintf(mk, sizeof(mk), "%s/Makefile", build_dir(chosen));
	char *text = read_file(mk);
	char *prefix = text ? line_value(text, "MG_PREFIX :=") : NULL;
	bool other = prefix && strcmp(prefix, T.prefix) != 0;
	free(text);
	free(prefix);
	if (other || !text)
		return reconfigure(chosen, other ? "configured by another "
		                                   "installation of morgana"
		                                 : "the Makefile is missing");
	if (mtime_ns(lib) > when)
		return reconfigure(chosen, "morgana was updated");
	return 0;
}
