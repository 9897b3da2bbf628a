/* morgana build, run, describe and clean. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morgana.h"

/* Read _build/<target>/NAME, malloc'ed, or NULL. */
static char *build_file(const char *target, const char *name)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/%s", build_dir(target), name);
	return read_file(path);
}

static char *image_path(const char *target)
{
	char *image = build_file(target, "image");
	if (image)
		image[strcspn(image, "\n")] = '\0';
	return image;
}

/* Options shared by build, run, describe: -t and -h. */
static int common_opts(const char *cmd, int argc, char **argv, int *i,
                       const char **target)
{
	int t = target_opt(argc, argv, i, target);
	if (t)
		return t < 0 ? EXIT_USAGE : 0;
	if (strcmp(argv[*i], "-h") == 0 || strcmp(argv[*i], "--help") == 0)
		return help(cmd, 0) - 1; /* -1: stop with status 0 */
	fail("%s: unexpected argument '%s' (morgana %s --help)", cmd, argv[*i],
	     cmd);
	return EXIT_USAGE;
}

/* Say what a failed build means when the compiler's words are not clear. */
static void explain_build_failure(const char *target, const char *out)
{
	char *app = build_file(target, "app.txt");
	char *start = app ? line_value(app, "start") : NULL;
	char *at = app ? line_value(app, "at") : NULL;
	char *proto = app ? line_value(app, "proto") : NULL;
	char pat[300];
	snprintf(pat, sizeof(pat), "undefined reference to `%s'",
	         start ? start : "?");
	if (start && out && strstr(out, pat)) {
		fail("the application's start function %s (named by mg_main "
		     "at %s) is not defined in its sources; define\n"
		     "  %s\n"
		     "  { ... }\n"
		     "in a source given to mg_app_source()",
		     start, at ? at : "config.c", proto ? proto : start);
	} else if (start && out &&
	           (snprintf(pat, sizeof(pat), "conflicting types for '%s'",
	                     start),
	            strstr(out, pat))) {
		fail("the start function %s does not have the parameters that "
		     "config.c gives it (mg_main at %s); it must be\n"
		     "  %s\n"
		     "(see %s/mg_app.h)",
		     start, at ? at : "config.c", proto ? proto : start,
		     build_dir(target));
	} else if (out && strstr(out, "undefined reference to")) {
		fail("link failed: a function is used but defined nowhere (see "
		     "above): add its source with mg_app_source() or its "
		     "library with mg_app_lib() in config.c");
	} else {
		fail("build failed for target %s (see above)", target);
	}
	free(app);
	free(start);
	free(at);
	free(proto);
}

static int build(const char *target, bool verbose)
{
	char mk[300], jobs[32];
	snprintf(mk, sizeof(mk), "%s/Makefile", build_dir(target));
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(jobs, sizeof(jobs), "-j%ld", n > 0 ? n : 1);
	char *argv[] = {"make",     "--no-print-directory",  "-f", mk, jobs,
	                "-Otarget", verbose ? "V=1" : "V=0", NULL};
	capture cap = {0};
	int rc = spawn(argv, &cap, 1);
	if (rc != 0 && rc != -1)
		explain_build_failure(target, cap.text);
	capture_free(&cap);
	if (rc != 0 || build_tars(target) != 0)
		return EXIT_FAIL;
	char *image = image_path(target);
	say("image %s", image ? image : "(unknown)");
	free(image);
	return 0;
}

int cmd_build(int argc, char **argv)
{
	const char *target = NULL;
	bool verbose = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0 ||
		    strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
			continue;
		}
		int rc = common_opts("build", argc, argv, &i, &target);
		if (rc)
			return rc < 0 ? 0 : rc;
	}
	int rc = ensure_configured(target, &target);
	return rc ? rc : build(target, verbose);
}

/* A configure-time key given to the image is a common slip: catch it. */
static int check_boot_args(const char *target, int argc, char **argv)
{
	char *keys = build_file(target, "keys.txt");
	if (!keys)
		return 0;
	int rc = 0;
	for (int i = 0; i < argc && !rc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0)
			continue;
		char name[128];
		size_t n = strcspn(a + 2, "=");
		if (n >= sizeof(name))
			continue;
		memcpy(name, a + 2, n);
		name[n] = '\0';
		const char *bare =
		    strncmp(name, "no-", 3) == 0 ? name + 3 : name;
		char line[160];
		snprintf(line, sizeof(line), "\nboot %s\n", bare);
		char *k = malloc(strlen(keys) + 2);
		if (!k)
			break;
		snprintf(k, strlen(keys) + 2, "\n%s", keys);
		bool boot = strstr(k, line) != NULL;
		snprintf(line, sizeof(line), "\nconfigure %s\n", bare);
		bool conf = strstr(k, line) != NULL;
		free(k);
		if (conf && !boot) {
			fail("%s is a configure-time key: it is fixed when the "
			     "image is built, not at boot. Run\n"
			     "  morgana configure -t %s %s && morgana build\n"
			     "then 'morgana run' without it",
			     a, target, a);
			rc = EXIT_USAGE;
		}
	}
	free(keys);
	return rc;
}

/* --mem=MiB: 2 to 4096 (the tender's range), else 0 after saying why. */
static long parse_mem(const char *v)
{
	char *end;
	long mib = strtol(v, &end, 10);
	if (end == v || *end || mib < 2 || mib > 4096) {
		fail("run: --mem=%s: give the guest's memory in MiB, a whole "
		     "number from 2 to 4096 (the default is 16)",
		     v);
		return 0;
	}
	return mib;
}

/* Targets whose images a tender starts: it takes --mem and the bindings
 * before the image. */
static bool has_tender(const char *target)
{
	return strcmp(target, "hvt") == 0 || strcmp(target, "spt") == 0;
}

/* The guest's memory for a run on hvt or spt: --mem, else what config.c asked
 * for with mg_hvt_mem() (run.txt), else 0 (the tender's default). */
static long run_mem(const char *target, long given)
{
	if (given)
		return given;
	char *run = build_file(target, "run.txt");
	long mib = 0;
	for (char *l = run; l && *l;) {
		if (strncmp(l, "mem ", 4) == 0)
			mib = strtol(l + 4, NULL, 10);
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	free(run);
	return mib;
}

int cmd_run(int argc, char **argv)
{
	const char *target = NULL;
	char **opts = calloc((size_t)argc + 1, sizeof(char *));
	int nopts = 0;
	long mem = 0;
	int i;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (is_binding_opt(argv[i]) && opts) {
			opts[nopts++] = argv[i];
			continue;
		}
		if (strncmp(argv[i], "--mem=", 6) == 0) {
			if (!(mem = parse_mem(argv[i] + 6)))
				return EXIT_USAGE;
			continue;
		}
		if (strncmp(argv[i], "--", 2) == 0 &&
		    strncmp(argv[i], "--target", 8) != 0 &&
		    strcmp(argv[i], "--help") != 0) {
			fail("run: boot arguments go after '--': morgana run "
			     "-- %s",
			     argv[i]);
			return EXIT_USAGE;
		}
		int rc = common_opts("run", argc, argv, &i, &target);
		if (rc)
			return rc < 0 ? 0 : rc;
	}
	int rc;
	if ((rc = ensure_configured(target, &target)))
		return rc;
	if (mem && !has_tender(target)) {
		fail("run: --mem sets the memory of an hvt or spt guest; a %s "
		     "image takes memory from the host as it needs it: drop "
		     "--mem (or run -t hvt, -t spt)",
		     target);
		return EXIT_USAGE;
	}
	char *image = image_path(target);
	if (!image || !file_exists(image)) {
		fail("no image %s yet: run 'morgana build' first",
		     image ? image : "");
		free(image);
		return EXIT_FAIL;
	}
	if (mtime_ns("config.c") > mtime_ns(image))
		fail("note: config.c changed after %s was built; run "
		     "'morgana build' to rebuild it",
		     image);
	if ((rc = check_boot_args(target, argc - i, argv + i))) {
		free(image);
		return rc;
	}
	run_binds rb = {0};
	if ((rc = run_bind(target, opts, nopts, argv + i, argc - i, &rb)) ||
	    (rc = run_bind_blocks(target, opts, nopts, &rb))) {
		run_unbind(&rb);
		free(image);
		return rc;
	}
	free(opts);
	/* The image (or its tender) replaces us: its output and exit status
	 * are the run's. */
	char **args = calloc((size_t)(argc - i + rb.n) + 4, sizeof(char *));
	char path[4200], tender[4200], memopt[32];
	snprintf(path, sizeof(path), "./%s", image);
	if (!args)
		return EXIT_FAIL;
	int n = 0;
	if (has_tender(target)) {
		snprintf(tender, sizeof(tender), "%s/bin/morgana-%s",
		         T.prefix, target);
		args[n++] = tender;
		if ((mem = run_mem(target, mem)) > 0) {
			snprintf(memopt, sizeof(memopt), "--mem=%ld", mem);
			args[n++] = memopt;
		}
	} else if (strcmp(target, "unix") != 0) {
		fail("run: I do not know how to start a %s image yet", target);
		free(args);
		free(image);
		return EXIT_FAIL;
	}
	/* The tender takes bindings before the image, the unix image
	 * first among its arguments (mg/platform_unix.h). */
	if (n)
		for (int j = 0; j < rb.n; j++)
			args[n++] = rb.args[j];
	args[n++] = path;
	if (n == 1)
		for (int j = 0; j < rb.n; j++)
			args[n++] = rb.args[j];
	for (int j = i; j < argc; j++)
		args[n++] = argv[j];
	if (rb.ncreated)
		/* Taps made for this run are removed when it ends. */
		return run_and_unbind(args, &rb);
	fflush(stdout);
	execv(args[0], args);
	fail("cannot run %s: %s", args[0], strerror(errno));
	free(args);
	free(image);
	return EXIT_FAIL;
}

int cmd_describe(int argc, char **argv)
{
	const char *target = NULL;
	bool dot = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dot") == 0) {
			dot = true;
			continue;
		}
		int rc = common_opts("describe", argc, argv, &i, &target);
		if (rc)
			return rc < 0 ? 0 : rc;
	}
	int rc = ensure_configured(target, &target);
	if (rc)
		return rc;
	char *text = build_file(target, dot ? "graph.dot" : "describe.txt");
	if (!text) {
		fail("%s/%s is missing: run 'morgana configure -t %s' again",
		     build_dir(target), dot ? "graph.dot" : "describe.txt",
		     target);
		return EXIT_FAIL;
	}
	fputs(text, stdout);
	free(text);
	return 0;
}

int cmd_clean(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return help("clean", 0);
		fail("clean: unexpected argument '%s'", argv[i]);
		return EXIT_USAGE;
	}
	if (!is_dir("_build")) {
		say("nothing to clean in %s", work_dir);
		return 0;
	}
	/* Only the images that configure named: dist/ may hold more. */
	DIR *d = opendir("_build");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) > 64)
			continue;
		char *image = image_path(e->d_name);
		if (image && file_exists(image)) {
			if (remove(image) != 0)
				fail("cannot remove %s: %s", image,
				     strerror(errno));
			else
				say("removed %s", image);
		}
		free(image);
	}
	if (d)
		closedir(d);
	rmdir("dist"); /* only if empty */
	if (remove_tree("_build") != 0)
		return EXIT_FAIL;
	say("removed _build/");
	return 0;
}
