/*
 * gw_fmt.h - output helpers of the operator interface (gw_show*.c): the
 * answer buffer, a JSON writer and fixed-width tables.  Internal to the
 * gateway core.
 */
#ifndef GW_FMT_H
#define GW_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw_ctl.h"
#include "pkt.h"

/* ---- the answer buffer ---- */
void ob_putn(struct gw_ctl_out *o, const char *s, size_t n);
void ob_puts(struct gw_ctl_out *o, const char *s);
void ob_printf(struct gw_ctl_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- JSON ---- */
#define JW_DEPTH 16

struct jw {
	struct gw_ctl_out *o;
	int depth;
	bool first[JW_DEPTH];
};

void jw_init(struct jw *w, struct gw_ctl_out *o);
/* key is the member name inside an object, NULL inside an array or at
 * the top. */
void jw_obj(struct jw *w, const char *key);
void jw_end_obj(struct jw *w);
void jw_arr(struct jw *w, const char *key);
void jw_end_arr(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *v);	/* NULL -> null */
void jw_strn(struct jw *w, const char *key, const char *v, size_t n);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_i64(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
/* A value already in JSON (an object printed by someone else). */
void jw_raw(struct jw *w, const char *key, const char *json, size_t n);
/* Seconds from ns, or null for UINT64_MAX. */
void jw_secs(struct jw *w, const char *key, uint64_t ns);
void jw_ip(struct jw *w, const char *key, uint32_t ip);
/* {"ip": "a.b.c.d", "port": N} */
void jw_ep(struct jw *w, const char *key, uint32_t ip, uint16_t port);
/* Writes a JSON string literal of s[0, n): ASCII printable as is, the
 * rest escaped (\u00XX), so the document is ASCII whatever s holds. */
void json_quote(struct gw_ctl_out *o, const char *s, size_t n);

/* ---- tables ---- */
struct col {
	const char *name;
	uint8_t width;
	bool right;		/* right-aligned (numbers) */
};

/* One line: each cell padded or cut (a cut cell ends in '~') to its
 * column's width, one space between columns, no trailing blanks. */
void tb_line(struct gw_ctl_out *o, const struct col *cols, size_t n,
    const char *const *cells);
void tb_header(struct gw_ctl_out *o, const struct col *cols, size_t n);

/* ---- values ---- */
#define FMT_LEN 32
/* "45s", "12m03s", "5h02m", "3d04h"; "-" for UINT64_MAX. */
const char *fmt_dur(char *buf, uint64_t ns);
/* Exact below 100000, else 3 significant digits with k/M/G/T (1000s). */
const char *fmt_count(char *buf, uint64_t v);
/* Bytes: exact below 100000, else K/M/G/T (1024s). */
const char *fmt_bytes(char *buf, uint64_t v);
/* "a.b.c.d:port" */
const char *fmt_ep(char *buf, uint32_t ip, uint16_t port);
/* Lower-case hex of n bytes into buf (2n + 1 bytes). */
void fmt_hex(char *buf, const uint8_t *b, size_t n);
/* ns elapsed from then to now (0 if then is later or 0). */
uint64_t ns_since(uint64_t now, uint64_t then);
/* ns from now until then; UINT64_MAX if then is 0 or UINT64_MAX, 0 if
 * past. */
uint64_t ns_until(uint64_t now, uint64_t then);

#endif
