/* Error codes to names and messages, from the one table in mg/error.h. */
#include <mg/error.h>

const char *mg_strerror(int err)
{
	switch (err) {
#define MSG_CASE(name, num, msg)                                               \
	case -(num):                                                           \
		return msg;
		MG_ERRNO_MAP(MSG_CASE)
#undef MSG_CASE
	case 0:
		return "success";
	default:
		return "unknown error";
	}
}

const char *mg_strerror_name(int err)
{
	switch (err) {
#define NAME_CASE(name, num, msg)                                              \
	case -(num):                                                           \
		return "MG_" #name;
		MG_ERRNO_MAP(NAME_CASE)
#undef NAME_CASE
	case 0:
		return "0";
	default:
		return "MG_E?";
	}
}
