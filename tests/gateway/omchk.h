/*
 * omchk.h - a strict reader of the OpenMetrics 1.0 text format, for the
 * tests of "show counters format=openmetrics": the subset an exposition of
 * counters and gauges uses (TYPE, UNIT, HELP, samples with labels, # EOF).
 */
#ifndef RG_TEST_OMCHK_H
#define RG_TEST_OMCHK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Checks text: every line ends with a newline; the last is "# EOF"; a
 * family's TYPE (counter or gauge) comes before its UNIT, HELP and samples,
 * once; names and label names are valid; HELP texts and label values use
 * only the escapes \\, \" and \n; a counter's samples are <family>_total, a
 * gauge's <family>; a family's samples are contiguous and their label sets
 * unique; a UNIT is the family name's suffix; values are unsigned integers.
 * Returns true, or false with a message naming the line in err.
 */
bool om_check(const char *text, char *err, size_t errlen);

/*
 * Finds the sample written exactly as series (name and labels in their
 * order, as in the text: "roadgate_setups_total{stage=\"client\"}") and
 * stores its value in *v.  Returns false when there is none.
 */
bool om_value(const char *text, const char *series, uint64_t *v);

#endif
