/* The direct stack without a TCP layer: used until net/tcp/tcp_stack.c. */
#include <stddef.h>

#include <mg/error.h>

#include "stack_internal.h"

/* see stack_internal.h */

int mg__stack_tcp_create(const mg__stack_env *env,
                         const mg__stack_tcp_ops **ops, void **tcp)
{
	(void)env;
	*ops = NULL;
	*tcp = NULL;
	return 0;
}
