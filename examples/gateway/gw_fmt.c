/*
 * gw_fmt.c - output helpers of the operator interface (gw_fmt.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_fmt.h"

/* ---- the answer buffer ------------------------------------------------ */

void
gw_ctl_out_init(struct gw_ctl_out *o, size_t max)
{
	memset(o, 0, sizeof(*o));
	o->max = max ? max : GW_CTL_OUT_MAX;
}

void
gw_ctl_out_reset(struct gw_ctl_out *o)
{
	o->len = 0;
	o->truncated = false;
	o->nomem = false;
	if (o->buf != NULL)
		o->buf[0] = '\0';
}

void
gw_ctl_out_free(struct gw_ctl_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

static bool
ob_room(struct gw_ctl_out *o, size_t n)
{
	size_t max = o->max ? o->max : GW_CTL_OUT_MAX, want;
	char *nb;

	if (o->truncated || o->nomem)
		return false;
	if (n > max || o->len > max - n) {
		o->truncated = true;
		return false;
	}
	if (o->len + n + 1 <= o->cap)
		return true;
	want = o->cap ? o->cap : 4096;
	while (want < o->len + n + 1)
		want *= 2;
	if (want > max + 1)
		want = max + 1;
	if ((nb = realloc(o->buf, want)) == NULL) {
		o->nomem = true;
		return false;
	}
	o->buf = nb;
	o->cap = want;
	return true;
}

void
ob_putn(struct gw_ctl_out *o, const char *s, size_t n)
{
	if (n == 0 || !ob_room(o, n))
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

void
ob_puts(struct gw_ctl_out *o, const char *s)
{
	ob_putn(o, s, strlen(s));
}

void
ob_printf(struct gw_ctl_out *o, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		ob_putn(o, small, (size_t)n);
		return;
	}
	if (!ob_room(o, (size_t)n))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

/* ---- JSON ------------------------------------------------------------- */

void
json_quote(struct gw_ctl_out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	ob_putn(o, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			continue;
		ob_putn(o, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			ob_putn(o, e, 2);
		} else {
			e[0] = '\\';
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			ob_putn(o, e, 6);
		}
	}
	ob_putn(o, s + run, n - run);
	ob_putn(o, "\"", 1);
}

void
jw_init(struct jw *w, struct gw_ctl_out *o)
{
	memset(w, 0, sizeof(*w));
	w->o = o;
	w->first[0] = true;
}

static void
jw_key(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		ob_putn(w->o, ",", 1);
	w->first[w->depth] = false;
	if (key != NULL) {
		json_quote(w->o, key, strlen(key));
		ob_putn(w->o, ":", 1);
	}
}

static void
jw_open(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	ob_putn(w->o, &c, 1);
	if (w->depth + 1 < JW_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void
jw_close(struct jw *w, char c)
{
	ob_putn(w->o, &c, 1);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj(struct jw *w, const char *key) { jw_open(w, key, '{'); }
void jw_end_obj(struct jw *w) { jw_close(w, '}'); }
void jw_arr(struct jw *w, const char *key) { jw_open(w, key, '['); }
void jw_end_arr(struct jw *w) { jw_close(w, ']'); }

void
jw_strn(struct jw *w, const char *key, const char *v, size_t n)
{
	jw_key(w, key);
	json_quote(w->o, v, n);
}

void
jw_str(struct jw *w, const char *key, const char *v)
{
	if (v == NULL) {
		jw_null(w, key);
		return;
	}
	jw_strn(w, key, v, strlen(v));
}

void
jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	ob_printf(w->o, "%llu", (unsigned long long)v);
}

void
jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	ob_printf(w->o, "%lld", (long long)v);
}

void
jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	ob_puts(w->o, v ? "true" : "false");
}

void
jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	ob_puts(w->o, "null");
}

void
jw_raw(struct jw *w, const char *key, const char *json, size_t n)
{
	jw_key(w, key);
	ob_putn(w->o, json, n);
}

void
jw_secs(struct jw *w, const char *key, uint64_t ns)
{
	if (ns == UINT64_MAX)
		jw_null(w, key);
	else
		jw_u64(w, key, ns / 1000000000ull);
}

void
jw_ip(struct jw *w, const char *key, uint32_t ip)
{
	char a[16];

	jw_str(w, key, pkt_ntoa(ip, a));
}

void
jw_ep(struct jw *w, const char *key, uint32_t ip, uint16_t port)
{
	jw_obj(w, key);
	jw_ip(w, "ip", ip);
	jw_u64(w, "port", port);
	jw_end_obj(w);
}

/* ---- tables ----------------------------------------------------------- */

void
tb_line(struct gw_ctl_out *o, const struct col *cols, size_t n,
    const char *const *cells)
{
	char line[GW_CTL_COLUMNS * 2 + 2];
	size_t i, pos = 0;

	for (i = 0; i < n; i++) {
		const char *c = cells[i] != NULL ? cells[i] : "";
		size_t w = cols[i].width, l = strlen(c), pad;

		if (w == 0 || pos + 1 + w > sizeof(line) - 1)
			break;
		if (i > 0)
			line[pos++] = ' ';
		if (l > w) {
			/* Cut: the last column shows it was cut. */
			memcpy(line + pos, c, w - 1);
			line[pos + w - 1] = '~';
			pos += w;
			continue;
		}
		pad = w - l;
		if (cols[i].right) {
			memset(line + pos, ' ', pad);
			memcpy(line + pos + pad, c, l);
		} else {
			memcpy(line + pos, c, l);
			memset(line + pos + l, ' ', pad);
		}
		pos += w;
	}
	/* No trailing blanks. */
	while (pos > 0 && line[pos - 1] == ' ')
		pos--;
	line[pos++] = '\n';
	ob_putn(o, line, pos);
}

void
tb_header(struct gw_ctl_out *o, const struct col *cols, size_t n)
{
	const char *names[32];
	size_t i;

	for (i = 0; i < n && i < 32; i++)
		names[i] = cols[i].name;
	tb_line(o, cols, i, names);
}

/* ---- values ----------------------------------------------------------- */

const char *
fmt_dur(char *buf, uint64_t ns)
{
	uint64_t s;

	if (ns == UINT64_MAX) {
		snprintf(buf, FMT_LEN, "-");
		return buf;
	}
	s = ns / 1000000000ull;
	if (s < 60)
		snprintf(buf, FMT_LEN, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, FMT_LEN, "%llum%02llus", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, FMT_LEN, "%lluh%02llum", (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60));
	else
		snprintf(buf, FMT_LEN, "%llud%02lluh", (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400 / 3600));
	return buf;
}

static const char *
fmt_scaled(char *buf, uint64_t v, double base, const char *units)
{
	double x = (double)v;
	int u = -1;

	if (v < 100000) {
		snprintf(buf, FMT_LEN, "%llu", (unsigned long long)v);
		return buf;
	}
	while (x >= base && units[u + 1] != '\0') {
		x /= base;
		u++;
	}
	if (x < 10)
		snprintf(buf, FMT_LEN, "%.2f%c", x, units[u]);
	else if (x < 100)
		snprintf(buf, FMT_LEN, "%.1f%c", x, units[u]);
	else
		snprintf(buf, FMT_LEN, "%.0f%c", x, units[u]);
	return buf;
}

const char *
fmt_count(char *buf, uint64_t v)
{
	return fmt_scaled(buf, v, 1000.0, "kMGTPE");
}

const char *
fmt_bytes(char *buf, uint64_t v)
{
	return fmt_scaled(buf, v, 1024.0, "KMGTPE");
}

const char *
fmt_ep(char *buf, uint32_t ip, uint16_t port)
{
	char a[16];

	snprintf(buf, FMT_LEN, "%s:%u", pkt_ntoa(ip, a), port);
	return buf;
}

void
fmt_hex(char *buf, const uint8_t *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		buf[2 * i] = hex[b[i] >> 4];
		buf[2 * i + 1] = hex[b[i] & 15];
	}
	buf[2 * n] = '\0';
}

uint64_t
ns_since(uint64_t now, uint64_t then)
{
	return then == 0 || then > now ? 0 : now - then;
}

uint64_t
ns_until(uint64_t now, uint64_t then)
{
	if (then == 0 || then == UINT64_MAX)
		return UINT64_MAX;
	return then > now ? then - now : 0;
}
