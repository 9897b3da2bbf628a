/* Internal to core/args_*.c: what parsing and help text share. */
#ifndef MG_CORE_ARGS_IMPL_H
#define MG_CORE_ARGS_IMPL_H

#include <mg/args.h>

/* The placeholder shown for a value of (type): "INT", "IPV4"... */
const char *mg__arg_type_placeholder(mg_arg_type type);

#endif
