/* The morgana command: options, help texts and the commands' dispatch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "morgana.h"

typedef struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;
	const char *text;
} command;

static const command commands[] = {
    {"configure", cmd_configure,
     "evaluate config.c for a target and generate its build",
     "morgana configure [-t TARGET] [--sanitize] [--KEY=VALUE...]",
     "Compiles config.c with the configuration library, runs it, checks\n"
     "the device graph and writes _build/TARGET/: main.c, mg_app.h, a\n"
     "Makefile, and what describe shows. A mistake in config.c is\n"
     "reported at its config.c line.\n"
     "\n"
     "  -t, --target TARGET  the target (default: the last configured,\n"
     "                       else unix)\n"
     "  --sanitize           (unix) build with AddressSanitizer and\n"
     "                       UndefinedBehaviorSanitizer\n"
     "  --KEY=VALUE          a configure-time key of config.c; a bool\n"
     "                       key is also --KEY or --no-KEY\n"
     "\n"
     "Configure-time keys change what gets built and are fixed until you\n"
     "configure again. Boot-time keys are not given here but to the\n"
     "image when it starts: morgana run -- --KEY=VALUE. Run in a\n"
     "unikernel's folder, --help lists both kinds of its keys.\n"},
    {"build", cmd_build, "build the image (configuring again if needed)",
     "morgana build [-t TARGET] [-v]",
     "Runs make in _build/TARGET (only what changed is rebuilt) and\n"
     "links dist/NAME.TARGET. If config.c changed since the last\n"
     "configure, configures again first with the same keys.\n"
     "\n"
     "  -t, --target TARGET  default: the last configured target\n"
     "  -v, --verbose        show the commands\n"},
    {"run", cmd_run, "run the image",
     "morgana run [-t TARGET] [--mem=MiB] [--net:NAME=TAP...]\n"
     "            [--block:NAME=FILE...] [-- BOOT-ARGUMENTS...]",
     "Starts dist/NAME.TARGET with the boot arguments after '--' (its\n"
     "boot-time keys: morgana run -- --help lists them). The exit status\n"
     "is the image's.\n"
     "\n"
     "  -t, --target TARGET  default: the last configured target\n"
     "  --mem=MiB            hvt and spt: the guest's memory, 2 to 4096\n"
     "                       (default: mg_hvt_mem() in config.c, else 16)\n"
     "  --net:NAME=TAP       bind the image's net device NAME to tap TAP\n"
     "                       (hvt, spt, and unix with --net=direct); as\n"
     "                       root, a net device left unbound gets a new\n"
     "                       tap, addressed in the subnet of --ipv4 and\n"
     "                       removed when the image exits\n"
     "  --block:NAME=FILE    bind the image's block device NAME to FILE\n"
     "                       (default: the file config.c names, made\n"
     "                       with zeros if config.c gives its size)\n"},
    {"describe", cmd_describe, "show the devices and keys of the unikernel",
     "morgana describe [-t TARGET] [--dot]",
     "Shows the application, its devices in connect order (module type,\n"
     "implementation, dependencies, where config.c made them) and every\n"
     "key with its stage: configure-time keys with their value, boot-time\n"
     "keys with their default and owner.\n"
     "\n"
     "  -t, --target TARGET  default: the last configured target\n"
     "  --dot                the device graph for Graphviz instead\n"},
    {"clean", cmd_clean, "remove _build/ and the images", "morgana clean",
     "Removes _build/ and the images that configure named in dist/\n"
     "(dist/ itself if it is then empty).\n"},
    {"new", cmd_new, "create a starter unikernel", "morgana new NAME",
     "Creates the folder NAME with config.c and NAME.c, a unikernel that\n"
     "greets (boot-time key --name) and sleeps; it configures, builds and\n"
     "runs as it is.\n"},
    {"help", NULL, "show help", "morgana help [COMMAND]",
     "Without a command, lists the commands; with one, explains it (as\n"
     "'morgana COMMAND --help' does).\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void overview(FILE *f)
{
	fprintf(f, "usage: morgana [-C DIR] COMMAND [ARGS...]\n"
	           "\n"
	           "Builds Morgana unikernels: a folder with config.c (which "
	           "devices,\n"
	           "which keys) and the application's sources.\n"
	           "\n"
	           "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
		        commands[i].summary);
	fprintf(f, "\n"
	           "options:\n"
	           "  -C DIR      work in DIR instead of the current folder\n"
	           "  --version   print the version\n"
	           "  -h, --help  this text; morgana help COMMAND for one "
	           "command\n"
	           "\n"
	           "A first unikernel: morgana new hi && cd hi && morgana "
	           "configure -t unix\n"
	           "&& morgana build && morgana run\n");
}

static const command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		size_t d = mg__edit_distance(name, commands[i].name);
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	fail("unknown command '%s'%s%s%s; commands: configure, build, run, "
	     "describe, clean, new, help",
	     name, best ? " (did you mean '" : "", best ? best : "",
	     best ? "'?)" : "");
	return EXIT_USAGE;
}

int help(const char *cmd, int status)
{
	if (!cmd) {
		overview(stdout);
		return status;
	}
	const command *c = find_command(cmd);
	if (!c)
		return unknown_command(cmd);
	printf("usage: %s\n\n%s", c->usage, c->text);
	fflush(stdout);
	return status;
}

int target_opt(int argc, char **argv, int *i, const char **target)
{
	const char *a = argv[*i];
	if (strcmp(a, "-t") == 0 || strcmp(a, "--target") == 0) {
		if (*i + 1 >= argc) {
			fail("%s needs a target: %s unix (known: %s)", a, a,
			     known_targets());
			return -1;
		}
		*target = argv[++*i];
		return 1;
	}
	if (strncmp(a, "--target=", 9) == 0) {
		*target = a + 9;
		return 1;
	}
	if (strncmp(a, "-t", 2) == 0 && a[2]) {
		*target = a + 2 + (a[2] == '=');
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	const char *dir = NULL;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--version") == 0) {
			printf("morgana %s\n", MORGANA_VERSION);
			return 0;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			overview(stdout);
			return 0;
		} else if (strcmp(a, "-C") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strncmp(a, "-C", 2) == 0 && a[2]) {
			dir = a + 2;
		} else {
			fail("unknown option '%s' (morgana --help)", a);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		overview(stderr);
		return EXIT_USAGE;
	}
	if (dir && chdir(dir) != 0) {
		fail("-C %s: %s", dir, strerror(errno));
		return EXIT_FAIL;
	}
	if (!getcwd(work_dir, sizeof(work_dir)))
		snprintf(work_dir, sizeof(work_dir), ".");

	const char *name = argv[i];
	const command *c = find_command(name);
	if (!c)
		return unknown_command(name);
	if (!c->fn) /* help */
		return help(i + 1 < argc ? argv[i + 1] : NULL, 0);
	if (find_paths() != 0)
		return EXIT_FAIL;
	return c->fn(argc - i, argv + i);
}
