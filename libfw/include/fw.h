/*
 * fw.h - public API of libfw.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative FW_E_* codes; fw_strerror() names them.
 *  - One context per thread; contexts share nothing.
 */
#ifndef FW_H
#define FW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FW_BUILDING)
#define FW_API __attribute__((visibility("default")))
#else
#define FW_API
#endif

#define FW_VERSION_MAJOR 0
#define FW_VERSION_MINOR 1
#define FW_VERSION_PATCH 0
#define FW_VERSION_STRING "0.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with FW_VERSION_STRING to detect a header /
 * library mismatch.
 */
FW_API const char *fw_version(void);

#ifdef __cplusplus
}
#endif

#endif /* FW_H */
