/*
 * test_conf_keys.c - the root-only key file (gwconf_merge_keyfile and its
 * permission checks) and the interface map.
 */
#include <CUnit/CUnit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwtest.h"

static char tmpdir[64];

static int
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/gwconf-test-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static void
rm(const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	unlink(p);
}

static int
teardown(void)
{
	rm("keys");
	rm("keys644");
	rm("keys-owned");
	rm("link");
	rm("ifmap");
	return rmdir(tmpdir);
}

/* Writes a file with the given mode; returns its path (static buffer). */
static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char p[128];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	if (chmod(p, mode) != 0)
		return NULL;
	return p;
}

static struct gwconf *
base_without_key(struct gwconf_diag *d)
{
	const char *b = GWT_BASE;
	const char *nl = strchr(b, '\n');

	/* GWT_BASE minus its first line (the enco key). */
	return gwt_parse(nl + 1, d, NULL);
}

static void
test_keyfile_merge(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	const char *path;
	char *p;

	path = write_file("keys", "# pre-shared keys\n"
	    "key=1 value=labsecret description=\"office PSK\"\n"
	    "\n"
	    "KEY=2 type=general value=\"two words\"\n", 0600);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	gwconf_diag_init(&d);
	c = base_without_key(&d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->n_keys, 0);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, path, &d), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	CU_ASSERT_STRING_EQUAL(c->keyfile, path);
	CU_ASSERT_EQUAL_FATAL(c->n_keys, 2);
	CU_ASSERT_EQUAL(c->keys[0].id, 1);
	CU_ASSERT_STRING_EQUAL(c->keys[0].value, "labsecret");
	CU_ASSERT_STRING_EQUAL(c->keys[0].description, "office PSK");
	CU_ASSERT_TRUE(c->keys[0].from_keyfile);
	CU_ASSERT_EQUAL(c->keys[0].loc.file, 1);
	CU_ASSERT_EQUAL(c->keys[0].loc.line, 2);
	CU_ASSERT_STRING_EQUAL(c->keys[1].value, "two words");
	CU_ASSERT_EQUAL(c->keys[1].len, 9);
	/* The configuration is complete with the merged key. */
	CU_ASSERT_EQUAL(gwconf_check(c, &d), 0);
	CU_ASSERT_EQUAL(d.n, 0);
	/* The printout names the key file but holds no key. */
	p = gwt_print(c, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "# enco key 1 is read from the key "
	    "file\n"));
	CU_ASSERT_PTR_NULL(strstr(p, "labsecret"));
	CU_ASSERT_PTR_NULL(strstr(p, "two words"));
	free(p);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_keyfile_permissions(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	const char *path;
	char want[256], target[128];

	path = write_file("keys644", "key=1 value=labsecret\n", 0644);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	gwconf_diag_init(&d);
	c = base_without_key(&d);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, path, &d), GWCONF_E_PERM);
	snprintf(want, sizeof(want), "%s: key file is accessible by group or "
	    "others (mode 0644): run chmod 600 on it", path);
	CU_ASSERT_TRUE(gwt_has(&d, want));
	CU_ASSERT_EQUAL(c->n_keys, 0);
	/* Group-readable only is refused as well. */
	CU_ASSERT_EQUAL(chmod(path, 0640), 0);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, path, &d), GWCONF_E_PERM);
	/* Owner-only read is fine. */
	CU_ASSERT_EQUAL(chmod(path, 0400), 0);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, path, &d), 0);
	CU_ASSERT_EQUAL(c->n_keys, 1);
	/* A symbolic link is not followed. */
	snprintf(target, sizeof(target), "%s/link", tmpdir);
	unlink(target);
	CU_ASSERT_EQUAL(symlink(path, target), 0);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, target, &d), GWCONF_E_IO);
	/* A directory is not a key file. */
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, tmpdir, &d), GWCONF_E_PERM);
	snprintf(want, sizeof(want), "%s: key file is not a regular file",
	    tmpdir);
	CU_ASSERT_TRUE(gwt_has(&d, want));
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, "/nonexistent/keys", &d),
	    GWCONF_E_IO);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(NULL, path, &d), GWCONF_E_ARG);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

/* vpn-gateway --user: a key file owned by the daemon's user is read by root
 * at start and by that user at each reload; any other owner is refused. */
static void
test_keyfile_owner(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	const char *path;
	char want[256];
	uid_t svc = 65534, other = 65533;	/* nobody, and one more */

	if (geteuid() != 0) {
		fprintf(stderr, "(not root: ownership cases need chown) ");
		return;
	}
	path = write_file("keys-owned", "key=1 value=labsecret\n", 0600);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL_FATAL(chown(path, svc, (gid_t)-1), 0);
	gwconf_diag_init(&d);
	c = base_without_key(&d);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile(c, path, &d), GWCONF_E_PERM);
	snprintf(want, sizeof(want), "%s: key file is owned by uid %u, not by root or the "
	    "daemon's user: chown it", path, (unsigned)svc);
	CU_ASSERT_TRUE(gwt_has(&d, want));
	CU_ASSERT_EQUAL(gwconf_merge_keyfile_owner(c, path, other, &d), GWCONF_E_PERM);
	CU_ASSERT_EQUAL(c->n_keys, 0);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile_owner(c, path, svc, &d), 0);
	CU_ASSERT_EQUAL(c->n_keys, 1);
	/* Its owner still may not share it. */
	CU_ASSERT_EQUAL(chmod(path, 0640), 0);
	gwconf_free(c);
	c = base_without_key(&d);
	CU_ASSERT_EQUAL(gwconf_merge_keyfile_owner(c, path, svc, &d), GWCONF_E_PERM);
	CU_ASSERT_EQUAL(c->n_keys, 0);
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_keyfile_errors(void)
{
	struct gwconf_diag d;
	struct gwconf *c;
	size_t i;
	static const char keys[] =
	    "key=1 value=dup\n"
	    "key=3\n"
	    "key=4 value=x colour=blue\n"
	    "key=5 value=<hidden>\n"
	    "key=6 value=x type=rsa\n"
	    "create enco key=7 value=x\n"
	    "key=70000 value=x\n"
	    "key=8 value=ok\n";

	gwconf_diag_init(&d);
	c = gwt_parse(GWT_BASE, &d, NULL);
	CU_ASSERT_EQUAL(gwconf_merge_keys_buffer(c, "k.txt", keys,
	    strlen(keys), &d), GWCONF_E_INVALID);
	CU_ASSERT_TRUE(gwt_has(&d, "k.txt:1:5: enco key \"1\" is already "
	    "defined (at t.cfg:1)"));
	CU_ASSERT_TRUE(gwt_has(&d, "k.txt:2:1: missing parameter \"value\" in a "
	    "key file line"));
	CU_ASSERT_TRUE(gwt_has(&d, "k.txt:3:15: unknown parameter \"colour\" in "
	    "a key file (expected one of: key, value, type, description)"));
	CU_ASSERT_TRUE(gwt_has(&d, "k.txt:4:13: the key file must hold the key "
	    "itself, not <hidden>"));
	CU_ASSERT_TRUE(gwt_has(&d, "k.txt:5:20: a key file holds general keys "
	    "(pre-shared keys) only"));
	CU_ASSERT_TRUE(gwt_has(&d, "k.txt:6:1: unexpected word \"create\" in a "
	    "key file (expected key=N value=TEXT)"));
	CU_ASSERT_TRUE(gwt_has(&d, "k.txt:7:5: invalid value \"70000\" for "
	    "\"key\" (expected a number from 0 to 65535)"));
	CU_ASSERT_EQUAL(d.errors, 7);
	CU_ASSERT_EQUAL(c->n_keys, 2);
	CU_ASSERT_EQUAL(c->keys[1].id, 8);
	/* Key values never appear in messages. */
	for (i = 0; i < d.n; i++)
		CU_ASSERT_PTR_NULL(strstr(d.msgs[i].text, "dup"));
	gwconf_free(c);
	gwconf_diag_free(&d);
}

static void
test_ifmap(void)
{
	struct gwconf_ifmap m;
	struct gwconf_diag d;
	const char *path;
	char spec[32];
	int i;

	gwconf_ifmap_init(&m);
	CU_ASSERT_STRING_EQUAL(gwconf_ifmap_lookup(&m, "eth0"), "eth0");
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "ETH0=ens3"), 0);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "vlan1=br-lan.10"), 0);
	CU_ASSERT_STRING_EQUAL(gwconf_ifmap_lookup(&m, "eth0"), "ens3");
	CU_ASSERT_STRING_EQUAL(gwconf_ifmap_lookup(&m, "Eth0"), "ens3");
	CU_ASSERT_STRING_EQUAL(gwconf_ifmap_lookup(&m, "vlan1"), "br-lan.10");
	CU_ASSERT_STRING_EQUAL(gwconf_ifmap_lookup(&m, "vlan2"), "vlan2");
	/* Mapping again replaces. */
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "eth0=ens4"), 0);
	CU_ASSERT_STRING_EQUAL(gwconf_ifmap_lookup(&m, "eth0"), "ens4");
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "eth0"), GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "=ens3"), GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "eth0="), GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "eth0=.."), GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "eth0=a/b"), GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "eth0=abcdefghijklmnop"),
	    GWCONF_E_ARG);
	CU_ASSERT_EQUAL(gwconf_ifmap_add(NULL, "a=b"), GWCONF_E_ARG);
	for (i = 0; m.n < GWCONF_MAX_IFMAP; i++) {
		snprintf(spec, sizeof(spec), "x%d=y%d", i, i);
		CU_ASSERT_EQUAL_FATAL(gwconf_ifmap_add(&m, spec), 0);
	}
	CU_ASSERT_EQUAL(gwconf_ifmap_add(&m, "one=more"), GWCONF_E_LIMIT);

	gwconf_ifmap_init(&m);
	path = write_file("ifmap", "# script=host\n"
	    "eth0=ens3 vlan1=ens4\n"
	    "wan\n"
	    "eth1=bad/name\n", 0644);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	gwconf_diag_init(&d);
	CU_ASSERT_EQUAL(gwconf_ifmap_load_file(&m, path, &d), GWCONF_E_INVALID);
	CU_ASSERT_EQUAL(m.n, 2);
	CU_ASSERT_STRING_EQUAL(gwconf_ifmap_lookup(&m, "vlan1"), "ens4");
	CU_ASSERT_TRUE(gwt_has_sub(&d, "/ifmap:3:1: expected SCRIPT=HOST, "
	    "found \"wan\""));
	CU_ASSERT_TRUE(gwt_has_sub(&d, "/ifmap:4:1: invalid interface mapping "
	    "\"eth1=bad/name\" (names are 1 to 15 characters of letters, "
	    "digits, '_', '.', ':' or '-')"));
	CU_ASSERT_EQUAL(gwconf_ifmap_load_file(&m, "/nonexistent", &d),
	    GWCONF_E_IO);
	gwconf_diag_free(&d);
}

void
test_conf_keys_register(void)
{
	CU_pSuite s = CU_add_suite("gwconf_keys", setup, teardown);

	CU_add_test(s, "key file merged", test_keyfile_merge);
	CU_add_test(s, "key file permissions", test_keyfile_permissions);
	CU_add_test(s, "key file owned by the daemon's --user", test_keyfile_owner);
	CU_add_test(s, "key file errors", test_keyfile_errors);
	CU_add_test(s, "interface map", test_ifmap);
}
