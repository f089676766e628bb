/*
 * esp.h - public API of libesp.
 *
 * Conventions (shared by all roadgate libraries):
 *  - Sans-I/O: no sockets, threads, clocks or global state.  Time is passed in
 *    as monotonic nanoseconds (uint64_t); UINT64_MAX means "no timer".
 *  - Randomness, allocation and logging are injected through a hooks struct.
 *  - Errors are negative ESP_E_* codes; esp_strerror() names them.
 *  - One context per thread; contexts share nothing.
 */
#ifndef ESP_H
#define ESP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ESP_BUILDING)
#define ESP_API __attribute__((visibility("default")))
#else
#define ESP_API
#endif

#define ESP_VERSION_MAJOR 0
#define ESP_VERSION_MINOR 1
#define ESP_VERSION_PATCH 0
#define ESP_VERSION_STRING "0.1.0"

/*
 * Returns the library's version string ("MAJOR.MINOR.PATCH"), a static string
 * owned by the library.  Compare with ESP_VERSION_STRING to detect a header /
 * library mismatch.
 */
ESP_API const char *esp_version(void);

#ifdef __cplusplus
}
#endif

#endif /* ESP_H */
