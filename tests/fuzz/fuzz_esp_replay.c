/*
 * fuzz_esp_replay.c - builds the shared replay driver for fuzz_esp.
 * glibc's <dirent.h> already defines MAX_INPUT (a POSIX terminal limit),
 * which tests/support/replay_main.c redefines; undefine it first so the
 * driver builds with -Werror (see the report: the shared driver would
 * better use its own name).
 */
#include <dirent.h>
#undef MAX_INPUT
#include "replay_main.c"
