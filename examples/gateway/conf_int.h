/*
 * conf_int.h - internals shared by the files of libgwconf: the tokenizer,
 * diagnostics helpers, name tables and small address helpers.  Not part of
 * the API (conf.h is).
 */
#ifndef GWCONF_INT_H
#define GWCONF_INT_H

#include <stdarg.h>

#include "conf.h"

#define GW_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define GW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GW_PRINTF(f, a)
#endif

/* Overwrites n bytes with zeros in a way the compiler cannot elide. */
void gw_wipe(void *p, size_t n);

/* Case-insensitive ASCII comparisons (no locale). */
int gw_strcaseeq(const char *a, const char *b);
int gw_strcaseprefix(const char *prefix, const char *s);

/* Copies src into dst[cap] (always NUL-terminated, truncating). */
void gw_strlcpy(char *dst, const char *src, size_t cap);

/* Appends one message (the text is formatted; never pass secrets). */
void gw_diag_add(struct gwconf_diag *d, enum gwconf_severity sev,
    const char *file, uint32_t line, uint32_t col, const char *fmt, ...)
    GW_PRINTF(6, 7);
void gw_diag_vadd(struct gwconf_diag *d, enum gwconf_severity sev,
    const char *file, uint32_t line, uint32_t col, const char *fmt,
    va_list ap) GW_PRINTF(6, 0);

/* ------------------------------------------------------------------------
 * Tokenizer (conf_lex.c).
 */
enum gw_tok_kind { GW_TOK_WORD = 0, GW_TOK_PARAM };

struct gw_tok {
	enum gw_tok_kind kind;
	const char *name;   /* a word, or a parameter's name */
	const char *value;  /* a parameter's value; NULL for words */
	uint32_t col;       /* 1-based column of the token */
	uint32_t vcol;      /* column of the value's first character */
	bool quoted;        /* the value (or word) was in double quotes */
	bool placeholder;   /* the value (or word) is <...> */
	const char *alias;  /* set when the token came from an alias */
};

/* One lexed line: tokens point into buf. */
struct gw_line {
	char buf[2 * GWCONF_MAX_LINE + 2 * GWCONF_MAX_TOKENS + 4];
	size_t used;
	struct gw_tok toks[GWCONF_MAX_TOKENS];
	size_t n;
};

/*
 * Splits text[0..len) (one line without its newline) into tokens.
 * Problems are reported to d at file:lineno:column.  Returns 0, or -1 when
 * the line has a lexical error (then it must be skipped).  An empty or
 * comment-only line gives 0 tokens.
 */
int gw_lex_line(const char *text, size_t len, struct gw_line *out,
    const char *file, uint32_t lineno, struct gwconf_diag *d);

/*
 * Iterates over the lines of a buffer: sets *line and *len (without the
 * newline and a trailing '\r') and advances *pos.  Returns false at the
 * end.
 */
bool gw_next_line(const char *buf, size_t size, size_t *pos,
    const char **line, size_t *len);

/* Reads a whole regular file of at most max bytes into a new buffer
 * (caller frees; *len set).  Problems go to d.  Returns 0, GWCONF_E_IO or
 * GWCONF_E_NOMEM.  If fd >= 0 it is read instead of opening path. */
int gw_read_file(const char *path, int fd, size_t max, char **buf,
    size_t *len, struct gwconf_diag *d);

/* ------------------------------------------------------------------------
 * Value helpers (conf_lex.c).
 */
bool gw_parse_ipv4(const char *s, uint32_t *out);
bool gw_parse_uint(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* Contiguous dotted-quad mask. */
bool gw_parse_mask(const char *s, uint32_t *out);
uint32_t gw_natural_mask(uint32_t addr);
int gw_mask_len(uint32_t mask);
/* Writes a.b.c.d into buf[16]. */
const char *gw_ipstr(uint32_t a, char *buf);

/* ------------------------------------------------------------------------
 * Name tables (conf_tables.c): canonical name first, aliases flagged.
 */
struct gw_enum {
	const char *name;
	uint32_t value;
	bool alias;          /* accepted on input, never printed */
};

struct gw_enum_tab {
	const struct gw_enum *e;
	size_t n;
};

extern const struct gw_enum_tab gw_tab_priv;
extern const struct gw_enum_tab gw_tab_bool;
extern const struct gw_enum_tab gw_tab_userdb;
extern const struct gw_enum_tab gw_tab_fw_iftype;
extern const struct gw_enum_tab gw_tab_fw_nat;
extern const struct gw_enum_tab gw_tab_fw_action;
extern const struct gw_enum_tab gw_tab_fw_encap;
extern const struct gw_enum_tab gw_tab_keymgmt;
extern const struct gw_enum_tab gw_tab_ipsec_proto;
extern const struct gw_enum_tab gw_tab_esp_enc;
extern const struct gw_enum_tab gw_tab_esp_auth;
extern const struct gw_enum_tab gw_tab_mode;
extern const struct gw_enum_tab gw_tab_ipsec_action;
extern const struct gw_enum_tab gw_tab_ike_enc;
extern const struct gw_enum_tab gw_tab_ike_hash;
extern const struct gw_enum_tab gw_tab_ike_group;
extern const struct gw_enum_tab gw_tab_pfs_group;
extern const struct gw_enum_tab gw_tab_ike_auth;
extern const struct gw_enum_tab gw_tab_ike_mode;
extern const struct gw_enum_tab gw_tab_heartbeat;
extern const struct gw_enum_tab gw_tab_backoff;
extern const struct gw_enum_tab gw_tab_l2tp_server;
extern const struct gw_enum_tab gw_tab_ppp_auth;
extern const struct gw_enum_tab gw_tab_proto;
extern const struct gw_enum_tab gw_tab_enco_type;

/* Canonical (printed) name of a value; "?" if unknown. */
const char *gw_enum_name(const struct gw_enum_tab *t, uint32_t value);
/* Protocol as printed: a name for the usual ones, else the number. */
const char *gw_proto_str(uint32_t proto, char *buf /* [8] */);

/*
 * Resolves word against the names of n entries laid out stride bytes
 * apart, each starting with a const char * (NULL entries are skipped):
 * exact (case-insensitive) match first, else a unique prefix.  Returns
 * the index, GW_RESOLVE_UNKNOWN or GW_RESOLVE_AMBIGUOUS.  Entries with the
 * same name count once.
 */
#define GW_RESOLVE_UNKNOWN   (-1)
#define GW_RESOLVE_AMBIGUOUS (-2)
int gw_resolve(const char *word, const void *base, size_t n, size_t stride);

/*
 * Writes into buf the names of the entries word is a prefix of (for
 * ambiguous errors) or, with word NULL, all names, separated by ", ",
 * skipping duplicates and entries where skip_alias applies (alias flag at
 * offset alias_off, or (size_t)-1 for none).  Truncates with "...".
 */
void gw_names_list(char *buf, size_t cap, const char *word,
    const void *base, size_t n, size_t stride, size_t alias_off);

#endif /* GWCONF_INT_H */
