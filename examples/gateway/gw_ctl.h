/*
 * gw_ctl.h - the operator interface of vpn-gateway, sans-I/O: a command
 * interpreter over the core (gw.h) that answers the router's words
 * ("show isakmp sa", "show ipsec sa", "show l2tp", "show ppp",
 * "show fire session", "show counters", "show config", "show user=NAME",
 * "disconnect user=NAME", "enable isakmp debug", ...) with an aligned table
 * (at most 100 columns) or one JSON document (examples/gateway/CONTROL.md
 * documents every command and the JSON schema "roadgate-ctl/1").
 *
 * The control socket of the daemon (ctl.c) and vpn-ctl are only the
 * transport: everything an operator can ask is here, so the tests run it
 * against a core with real clients connected through simnet.
 *
 * Nothing this prints contains a secret: no key, no password, no PSK.
 */
#ifndef GW_CTL_H
#define GW_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw.h"

/* Bounds of a command line (the socket reads at most GW_CTL_MAX_LINE + 1
 * bytes before it gives up on a line). */
#define GW_CTL_MAX_LINE   1024	/* bytes, without the newline */
#define GW_CTL_MAX_WORDS  16
#define GW_CTL_MAX_WORD   128	/* bytes of one word after unquoting */
/* Bound of one answer: past it the answer is cut (and says so). */
#define GW_CTL_OUT_MAX    (8u << 20)
/* Lists: entries per answer without limit=, and the most limit= takes. */
#define GW_CTL_PAGE       1000
#define GW_CTL_PAGE_MAX   10000
/* The JSON schema name and version every document carries. */
#define GW_CTL_SCHEMA     "roadgate-ctl/1"
/* Human tables never exceed this many columns. */
#define GW_CTL_COLUMNS    100

/* Results of gw_ctl_exec: 0, or why the command was refused. */
enum gw_ctl_rc {
	GW_CTL_OK = 0,
	GW_CTL_E_EMPTY = -1,		/* no command */
	GW_CTL_E_TOO_LONG = -2,		/* line longer than GW_CTL_MAX_LINE */
	GW_CTL_E_BYTE = -3,		/* a byte that is not printable ASCII */
	GW_CTL_E_WORDS = -4,		/* more than GW_CTL_MAX_WORDS words */
	GW_CTL_E_WORD_LONG = -5,	/* a word longer than GW_CTL_MAX_WORD */
	GW_CTL_E_QUOTE = -6,		/* a quote that is not closed */
	GW_CTL_E_UNKNOWN = -7,		/* a word that names nothing here */
	GW_CTL_E_AMBIGUOUS = -8,	/* an abbreviation of several words */
	GW_CTL_E_INCOMPLETE = -9,	/* the command needs more words */
	GW_CTL_E_PARAM = -10,		/* parameter not taken here, or twice */
	GW_CTL_E_VALUE = -11,		/* parameter value malformed */
	GW_CTL_E_NOT_FOUND = -12,	/* disconnect: no such user / peer */
	GW_CTL_E_STATE = -13,		/* the gateway is shutting down */
	GW_CTL_E_NOMEM = -14,		/* out of memory building the answer */
	GW_CTL_E_TOO_BIG = -15		/* answer over its bound: page it */
};

/* Stable lower-case code of a result ("ok", "too_long", ...), as in the
 * JSON error object. */
const char *gw_ctl_rc_name(int rc);

/*
 * An answer: text the interpreter appends to, grown as needed up to max
 * bytes (0 = GW_CTL_OUT_MAX); past that, truncated is set and the rest is
 * dropped.  The buffer is always NUL-terminated once anything was written.
 */
struct gw_ctl_out {
	char *buf;
	size_t len, cap;
	size_t max;
	bool truncated;
	bool nomem;
};

void gw_ctl_out_init(struct gw_ctl_out *o, size_t max);
void gw_ctl_out_reset(struct gw_ctl_out *o);	/* len = 0, keeps the buffer */
void gw_ctl_out_free(struct gw_ctl_out *o);

/*
 * Runs one command line (line[0, len), no newline; at most GW_CTL_MAX_LINE
 * bytes) at time now, appending the answer to out: a human table, or with
 * a leading "--json" word one JSON document on one line.  Errors are
 * answered too (an "error: ..." line, or a document with "ok": false).
 * Commands that act (disconnect, enable/disable ... debug) queue their
 * packets: the caller drains gw_next_output() afterwards as after
 * gw_input().  Returns GW_CTL_OK or a GW_CTL_E_* code.
 */
int gw_ctl_exec(struct gw *gw, uint64_t now, const char *line, size_t len,
    struct gw_ctl_out *out);

/* The debug switches ("enable isakmp debug"), also what the daemon's log
 * filter asks. */
bool gw_debug_get(const struct gw *gw, enum gw_log_cat cat);
void gw_debug_set(struct gw *gw, enum gw_log_cat cat, bool on);

#endif
