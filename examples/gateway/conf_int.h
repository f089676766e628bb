/*
 * conf_int.h - internals shared by the files of libgwconf: the tokenizer,
 * diagnostics helpers, name tables, small address helpers and the command
 * machinery the parser and its per-area command files share.  Not part of
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

/* ------------------------------------------------------------------------
 * Commands: the parser (conf_parse.c), values (conf_values.c), key files
 * (conf_keys.c) and the command tables of each area (conf_cmd_*.c).  The
 * tables are written with the short names V_*, T_*, P_REQ, KV_* and KW()
 * etc. below, which only these files use.
 */
enum gw_verb { V_ADD = 0, V_CREATE, V_DISABLE, V_ENABLE, V_LOGIN, V_SET };

/* Value types of keywords and parameters. */
enum gw_ptype {
	T_NONE = 0,   /* keyword without a value */
	T_ANY,        /* anything (router-only commands) */
	T_UINT,       /* min..max */
	T_BOOL,       /* yes/no, on/off, true/false */
	T_ENUM,       /* one of tab */
	T_ONOFFNUM,   /* on (= def), off (= 0) or a number min..max */
	T_IP,         /* a.b.c.d */
	T_PEER,       /* any or a.b.c.d */
	T_RANGE,      /* a.b.c.d[-a.b.c.d] or a.b.c.d/len */
	T_RANGE_ANY,  /* any or a range */
	T_MASK,       /* contiguous dotted mask */
	T_PORTS,      /* any, a port or a range of ports */
	T_PORT,       /* any or a port */
	T_PROTO,      /* a protocol name or number, any/all */
	T_IFNAME,     /* interface name, lower-cased */
	T_NAME,       /* a name of 1..max printable characters */
	T_WORDNAME,   /* a name of [A-Za-z0-9_-] (aliases) */
	T_STRING,     /* min..max printable characters */
	T_SECRET,     /* 1..max characters, never echoed; <hidden> allowed */
	T_AUTHLIST,   /* PPP authentication list */
	T_POOLREF,    /* an IP pool name or none */
	T_NUMNONE     /* none (= 0) or a number min..max */
};

#define P_REQ 0x01

struct gw_param {
	const char *name;
	uint8_t type;
	uint8_t flags;
	uint32_t min;
	uint32_t max;
	uint32_t def;                   /* T_ONOFFNUM: the value of "on" */
	const struct gw_enum_tab *tab;  /* T_ENUM */
};

enum gw_kwval { KV_NONE = 0, KV_REQ, KV_OPT };

struct gw_kw {
	const char *name;               /* NULL: a positional word */
	uint8_t val;                    /* enum gw_kwval */
	struct gw_param p;              /* the value's type (p.name unused) */
};

struct gw_val {
	bool set;
	const struct gw_tok *tok;
	uint32_t u;
	struct gwconf_range r;
	struct gwconf_ports ports;
	const char *s;
	bool hidden;
	char ifname[GWCONF_IFNAME_LEN];
	uint32_t list[3];
	uint32_t nlist;
};

#define GW_MAX_KW 3
#define GW_MAX_PARAMS 32

struct gw_pstate;
struct gw_cmd;
typedef void (*gw_apply_fn)(struct gw_pstate *, const struct gw_cmd *,
    struct gw_val *kv, struct gw_val *pv);

struct gw_cmd {
	uint8_t verb;
	uint8_t nkw;
	struct gw_kw kw[GW_MAX_KW];
	const struct gw_param *params;  /* NULL with notice: anything goes */
	uint8_t nparams;
	gw_apply_fn apply;
	const char *notice;             /* router-only: why it is ignored */
};

/* The state of one parse (a script or a key file). */
struct gw_pstate {
	struct gwconf *conf;
	struct gwconf_diag *diag;
	const char *file;
	uint32_t file_idx;
	uint32_t lineno;
	uint32_t cmd_line;              /* line where the last command began */
	struct gw_line line;
	struct gw_line aline;           /* an expanded alias */
	struct gw_line vline;           /* scratch: validating an alias */
	struct gw_tok toks[2 * GWCONF_MAX_TOKENS];
	size_t ntoks;
	const struct gw_tok *first;     /* the command's first token */
};

/* Keywords of a table entry: without a value, with a required value of
 * type ty (min..max), with an enumerated value, with an optional value. */
#define KW(n) { n, KV_NONE, { NULL, T_NONE, 0, 0, 0, 0, NULL } }
#define KWV(n, ty, mn, mx) { n, KV_REQ, { NULL, ty, 0, mn, mx, 0, NULL } }
#define KWE(n, tab) { n, KV_REQ, { NULL, T_ENUM, 0, 0, 0, 0, tab } }
#define KWO(n, ty, mx) { n, KV_OPT, { NULL, ty, 0, 1, mx, 0, NULL } }
/* The params and nparams of a table entry. */
#define PARAMS(p) p, (uint8_t)GW_NELEM(p)
#define NOPARAMS NULL, 0

/*
 * The command table is these slices, one after the other in this order:
 * candidates are tried, and their names listed in messages, in table
 * order.  Each slice's file checks its GW_NCMDS_* with _Static_assert.
 */
/* conf_cmd_system.c: system, users, RADIUS, ENCO keys, aliases. */
#define GW_NCMDS_SYSTEM 8
extern const struct gw_cmd gw_cmds_system[];
/* conf_cmd_net.c: PPP, L2TP, IP. */
#define GW_NCMDS_NET 18
extern const struct gw_cmd gw_cmds_net[];
/* conf_cmd_fw.c: the firewall. */
#define GW_NCMDS_FW 8
extern const struct gw_cmd gw_cmds_fw[];
/* conf_cmd_ipsec.c: IPsec, ISAKMP. */
#define GW_NCMDS_IPSEC 14
extern const struct gw_cmd gw_cmds_ipsec[];
/* conf_cmd_system.c: router-only commands, accepted with a notice. */
#define GW_NCMDS_ROUTER 8
extern const struct gw_cmd gw_cmds_router[];

/* Reports an error about the current command at t (column col, or t's). */
void gw_perr(struct gw_pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...) GW_PRINTF(4, 5);
/* Reports a warning about the current command, as gw_perr() an error. */
void gw_pwarn(struct gw_pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...) GW_PRINTF(4, 5);
/* Reports a notice about the current command, as gw_perr() an error. */
void gw_pnotice(struct gw_pstate *ps, const struct gw_tok *t, uint32_t col,
    const char *fmt, ...) GW_PRINTF(4, 5);
/* The location of token t for the model (its column; t NULL: column 0). */
struct gwconf_loc gw_tloc(const struct gw_pstate *ps, const struct gw_tok *t);
/* The location of v for the model: its value's column unless in an alias. */
struct gwconf_loc gw_vloc(const struct gw_pstate *ps, const struct gw_val *v);
/* Writes c's verb and keywords ("add firewall policy rule") into buf. */
const char *gw_cmd_name(const struct gw_cmd *c, char *buf, size_t cap);
/* Writes where l is ("at line 12", or "at keys.txt:3") into buf. */
const char *gw_where(const struct gw_pstate *ps, const struct gwconf_loc *l,
    char *buf, size_t cap);
/* gw_resolve() over the verbs: word's enum gw_verb, or GW_RESOLVE_*. */
int gw_resolve_verb(const char *word);

/* The enco key of that id in the model, or NULL. */
struct gwconf_key *gw_find_key(struct gwconf *c, uint32_t id);
/* The alias of that name (case-insensitive) in the model, or NULL. */
struct gwconf_alias *gw_find_alias(struct gwconf *c, const char *name);
/* True if n < max, else reports "too many <what>" and returns false. */
bool gw_room(struct gw_pstate *ps, uint32_t n, uint32_t max,
    const char *what);
/* Reports that the <what> v names does not exist (made by <create>). */
void gw_not_found(struct gw_pstate *ps, const struct gw_val *v,
    const char *what, const char *create);
/* Reports that the <what> v names is already defined (at first). */
void gw_duplicate(struct gw_pstate *ps, const struct gw_val *v,
    const char *what, const struct gwconf_loc *first);
/* Copies the string value v into the char array dst (truncating). */
#define GW_SETSTR(dst, v) gw_strlcpy((dst), (v).s, sizeof(dst))

/* Parses t's value as p says into out; reports and returns false if bad. */
bool gw_parse_value(struct gw_pstate *ps, const struct gw_tok *t,
    const struct gw_param *p, const char *name, struct gw_val *out);

/* Applies "enable/disable ppp|l2tp|ipsec|isakmp debug" (conf_cmd_system.c). */
void gw_apply_debug(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv);
/* Applies "enable/disable ip|firewall|ipsec|isakmp|l2tp" (same file). */
void gw_apply_module(struct gw_pstate *ps, const struct gw_cmd *c,
    struct gw_val *kv, struct gw_val *pv);

#endif /* GWCONF_INT_H */
