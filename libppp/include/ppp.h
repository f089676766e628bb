/*
 * ppp.h - public API of libppp.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative PPP_E_* codes; ppp_strerror() names them.
 *  - One context per thread; contexts share nothing.
 */
#ifndef PPP_H
#define PPP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PPP_BUILDING)
#define PPP_API __attribute__((visibility("default")))
#else
#define PPP_API
#endif

#define PPP_VERSION_MAJOR 0
#define PPP_VERSION_MINOR 1
#define PPP_VERSION_PATCH 0
#define PPP_VERSION_STRING "0.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with PPP_VERSION_STRING to detect a header /
 * library mismatch.
 */
PPP_API const char *ppp_version(void);

#ifdef __cplusplus
}
#endif

#endif /* PPP_H */
