/* The command line, split in place into argv as a shell would. */
#include "hvt_internal.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * Words are separated by blanks; '...' quotes literally; "..." quotes
 * with \" and \\ as escapes; elsewhere \ escapes the next character. The
 * tender escapes every argument this way (hvt_main.c), so argv comes back
 * exactly as it was given. Unterminated quotes end at the end of the line.
 */
int mg__hvt_split_args(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		while (is_space(*r))
			r++;
		if (*r == '\0' || argc == max)
			break;
		argv[argc++] = w;
		char quote = 0;
		for (; *r; r++) {
			char c = *r;
			if (quote == '\'') {
				if (c == '\'')
					quote = 0;
				else
					*w++ = c;
			} else if (quote == '"') {
				if (c == '"')
					quote = 0;
				else if (c == '\\' && (r[1] == '"' || r[1] == '\\'))
					*w++ = *++r;
				else
					*w++ = c;
			} else if (c == '\'' || c == '"') {
				quote = c;
			} else if (c == '\\' && r[1]) {
				*w++ = *++r;
			} else if (is_space(c)) {
				break;
			} else {
				*w++ = c;
			}
		}
		/* The writer never passes the reader, so this is safe. */
		if (*r)
			r++;
		*w++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}
