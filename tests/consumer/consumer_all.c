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
	const char *v[] = { isakmp_version(), esp_version(), l2tp_version(),
	    ppp_version(), fw_version() };
	size_t i;

	for (i = 0; i < 5; i++)
		if (v[i] == NULL || strcmp(v[i], "1.0.0") != 0) {
			fprintf(stderr, "version %zu: %s\n", i, v[i] ? v[i] : "(null)");
			return 1;
		}
	printf("consumer_all: five libraries linked statically together, 1.0.0\n");
	return 0;
}
