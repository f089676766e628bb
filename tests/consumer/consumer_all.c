/*
 * consumer_all.c - a product that links all five libraries statically into
 * one program: their internal symbols must not collide with each other
 * (each library prefixes its internals: iki_, espi_, l2tpi_, ppp_, fw_).
 */
#include <stdio.h>
#include <string.h>

#include <roadgate/esp.h>
#include <roadgate/fw.h>
#include <roadgate/isakmp.h>
#include <roadgate/l2tp.h>
#include <roadgate/ppp.h>

int
main(void)
{
	/* Each library runs the version its installed header announces. */
	const char *v[] = { isakmp_version(), esp_version(), l2tp_version(),
	    ppp_version(), fw_version() };
	const char *h[] = { ISAKMP_VERSION_STRING, ESP_VERSION_STRING,
	    L2TP_VERSION_STRING, PPP_VERSION_STRING, FW_VERSION_STRING };
	size_t i;

	for (i = 0; i < 5; i++)
		if (v[i] == NULL || strcmp(v[i], h[i]) != 0) {
			fprintf(stderr, "version %zu: library %s, header %s\n", i,
			    v[i] ? v[i] : "(null)", h[i]);
			return 1;
		}
	printf("consumer_all: five libraries linked statically together "
	    "(isakmp %s, esp %s, l2tp %s, ppp %s, fw %s)\n",
	    v[0], v[1], v[2], v[3], v[4]);
	return 0;
}
