/*
 * jsonchk.h - a strict JSON (RFC 8259) parser for the tests of the
 * operator interface: it refuses what a lenient parser lets through
 * (trailing commas, leading zeros, bad escapes, lone surrogates, invalid
 * UTF-8, control characters in strings, duplicate member names, anything
 * after the document) and builds a small tree to check values in.
 */
#ifndef JSONCHK_H
#define JSONCHK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jt { JT_NULL, JT_BOOL, JT_NUM, JT_STR, JT_ARR, JT_OBJ };

struct jv {
	enum jt t;
	bool b;
	bool is_u64;		/* a non-negative integer that fits */
	uint64_t u;
	double d;
	char *s;		/* JT_STR: NUL-terminated (decoded, UTF-8) */
	size_t n;		/* members / elements */
	char **keys;		/* JT_OBJ */
	struct jv *v;		/* JT_ARR, JT_OBJ */
};

/* Parses text[0, len) as one JSON document (surrounding whitespace
 * allowed).  Returns the tree (free with jv_free) or NULL with a reason
 * and byte offset in err. */
struct jv *jv_parse(const char *text, size_t len, char *err, size_t errlen);
void jv_free(struct jv *v);

/* Member of an object (NULL if absent or v is not an object). */
const struct jv *jv_get(const struct jv *v, const char *key);
/* Path of members and indexes: "items.0.peer.ip". */
const struct jv *jv_path(const struct jv *v, const char *path);
/* Convenience: the string at path, or NULL; the integer at path, or
 * UINT64_MAX when absent or not an unsigned integer. */
const char *jv_str(const struct jv *v, const char *path);
uint64_t jv_u64(const struct jv *v, const char *path);
bool jv_is(const struct jv *v, const char *path, enum jt t);

#endif
