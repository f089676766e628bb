/*
 * isakmp.h - public API of libisakmp.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative ISAKMP_E_* codes; isakmp_strerror() names them.
 *  - One context per thread; contexts share nothing.
 */
#ifndef ISAKMP_H
#define ISAKMP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ISAKMP_BUILDING)
#define ISAKMP_API __attribute__((visibility("default")))
#else
#define ISAKMP_API
#endif

#define ISAKMP_VERSION_MAJOR 0
#define ISAKMP_VERSION_MINOR 1
#define ISAKMP_VERSION_PATCH 0
#define ISAKMP_VERSION_STRING "0.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with ISAKMP_VERSION_STRING to detect a header /
 * library mismatch.
 */
ISAKMP_API const char *isakmp_version(void);

#ifdef __cplusplus
}
#endif

#endif /* ISAKMP_H */
