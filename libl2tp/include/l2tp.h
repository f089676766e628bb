/*
 * l2tp.h - public API of libl2tp.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative L2TP_E_* codes; l2tp_strerror() names them.
 *  - One context per thread; contexts share nothing.
 */
#ifndef L2TP_H
#define L2TP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(L2TP_BUILDING)
#define L2TP_API __attribute__((visibility("default")))
#else
#define L2TP_API
#endif

#define L2TP_VERSION_MAJOR 0
#define L2TP_VERSION_MINOR 1
#define L2TP_VERSION_PATCH 0
#define L2TP_VERSION_STRING "0.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with L2TP_VERSION_STRING to detect a header /
 * library mismatch.
 */
L2TP_API const char *l2tp_version(void);

#ifdef __cplusplus
}
#endif

#endif /* L2TP_H */
