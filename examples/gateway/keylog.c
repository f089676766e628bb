/*
 * keylog.c - Wireshark key tables of vpn-gateway --keylog (keylog.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keylog.h"

struct keylog {
	int ike, esp;
	size_t rows, errors;
};

/* A directory of ours that only we can enter, created when missing. */
static int
private_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (lstat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory (symbolic links are refused)",
		    path);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s must be owned by uid %u with no group or other "
		    "permissions (it has %04o, owner %u): refused", path, (unsigned)geteuid(),
		    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
		return -1;
	}
	return 0;
}

/* A file of ours, 0600, opened for appending. */
static int
private_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s must be a regular file owned by uid %u with no "
		    "group or other permissions: refused", path, (unsigned)geteuid());
		close(fd);
		return -1;
	}
	return fd;
}

int
keylog_open(struct keylog **out, const char *dir, char *err, size_t errlen)
{
	char ws[4096], p[4200];
	struct keylog *k;
	int fd;

	*out = NULL;
	if (dir == NULL || *dir == '\0' || strlen(dir) > 3000) {
		snprintf(err, errlen, "--keylog needs a directory");
		return -1;
	}
	snprintf(ws, sizeof(ws), "%s/wireshark", dir);
	if (private_dir(dir, err, errlen) != 0 || private_dir(ws, err, errlen) != 0)
		return -1;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	k->ike = k->esp = -1;
	snprintf(p, sizeof(p), "%s/ikev1_decryption_table", ws);
	if ((k->ike = private_file(p, err, errlen)) < 0)
		goto fail;
	snprintf(p, sizeof(p), "%s/esp_sa", ws);
	if ((k->esp = private_file(p, err, errlen)) < 0)
		goto fail;
	/* tshark and Wireshark try ESP decryption only when told to. */
	snprintf(p, sizeof(p), "%s/preferences", ws);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		static const char prefs[] =
		    "# written by vpn-gateway --keylog\n"
		    "esp.enable_encryption_decode: TRUE\n"
		    "esp.enable_authentication_check: TRUE\n";

		if (write(fd, prefs, sizeof(prefs) - 1) != (ssize_t)(sizeof(prefs) - 1)) {
			snprintf(err, errlen, "%s: %s", p, strerror(errno));
			close(fd);
			goto fail;
		}
		close(fd);
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", p, strerror(errno));
		goto fail;
	}
	*out = k;
	return 0;
fail:
	keylog_close(k);
	return -1;
}

void
keylog_write(void *user, const char *table, const char *row)
{
	struct keylog *k = user;
	char line[1024];
	size_t n;
	int fd;

	if (k == NULL)
		return;
	if (strcmp(table, "ikev1_decryption_table") == 0)
		fd = k->ike;
	else if (strcmp(table, "esp_sa") == 0)
		fd = k->esp;
	else
		return;
	n = strlen(row);
	if (n + 1 > sizeof(line)) {
		k->errors++;
		return;
	}
	/* One write per row: O_APPEND keeps rows whole. */
	memcpy(line, row, n);
	line[n++] = '\n';
	if (write(fd, line, n) != (ssize_t)n)
		k->errors++;
	else
		k->rows++;
	explicit_bzero(line, sizeof(line));
}

size_t
keylog_rows(const struct keylog *k)
{
	return k != NULL ? k->rows : 0;
}

size_t
keylog_errors(const struct keylog *k)
{
	return k != NULL ? k->errors : 0;
}

void
keylog_close(struct keylog *k)
{
	if (k == NULL)
		return;
	if (k->ike >= 0)
		close(k->ike);
	if (k->esp >= 0)
		close(k->esp);
	free(k);
}
