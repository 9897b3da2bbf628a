/* Error codes: every project API returns 0 or a negative MG_E code. */
#ifndef MG_ERROR_H
#define MG_ERROR_H

/*
 * One table maps each code to its name and message. Codes are negative
 * integers; functions that return a count return it as a non-negative value
 * and a failure as one of these.
 */
#define MG_ERRNO_MAP(X)                                                        \
	X(EINVAL, 1, "invalid argument")                                       \
	X(ENOMEM, 2, "out of memory")                                          \
	X(EAGAIN, 3, "resource temporarily unavailable")                       \
	X(ETIMEDOUT, 4, "timed out")                                           \
	X(ECANCELED, 5, "operation canceled")                                  \
	X(ENOENT, 6, "no such entry")                                          \
	X(EEXIST, 7, "entry exists")                                           \
	X(ERANGE, 8, "value out of range")                                     \
	X(EIO, 9, "input/output error")                                        \
	X(ENOSPC, 10, "no space left")                                         \
	X(EROFS, 11, "read-only")                                              \
	X(ENOTSUP, 12, "operation not supported")                              \
	X(EBUSY, 13, "resource busy")                                          \
	X(ECONNREFUSED, 14, "connection refused")                              \
	X(ECONNRESET, 15, "connection reset")                                  \
	X(EPIPE, 16, "connection closed")                                      \
	X(EADDRINUSE, 17, "address in use")                                    \
	X(ENETUNREACH, 18, "network unreachable")                              \
	X(EHOSTUNREACH, 19, "host unreachable")                                \
	X(EMSGSIZE, 20, "message too long")                                    \
	X(EPROTO, 21, "protocol error")                                        \
	X(EBADMSG, 22, "malformed data")                                       \
	X(ENOTCONN, 23, "not connected")                                       \
	X(EISCONN, 24, "already connected")                                    \
	X(EDEADLK, 25, "would deadlock")                                       \
	X(ENAMETOOLONG, 26, "name too long")                                   \
	X(ENOTDIR, 27, "not a directory")                                      \
	X(EISDIR, 28, "is a directory")                                        \
	X(EACCES, 29, "permission denied")                                     \
	X(ELOOP, 30, "too many symbolic links")                                \
	X(EOVERFLOW, 31, "value too large")                                    \
	X(ECHILD, 32, "no such fiber")                                         \
	X(EFAULT, 33, "bad address")

enum {
#define MG__ERRNO_ENUM(name, num, msg) MG_##name = -(num),
	MG_ERRNO_MAP(MG__ERRNO_ENUM)
#undef MG__ERRNO_ENUM
};

/* The message for (err): "success" for 0, "unknown error" for a value not
 * in the table. */
const char *mg_strerror(int err);

/* The symbolic name of (err), e.g. "MG_ETIMEDOUT"; "0" for 0, "MG_E?" if
 * unknown. */
const char *mg_strerror_name(int err);

#endif
