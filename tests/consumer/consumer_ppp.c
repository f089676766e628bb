/* Out-of-tree consumer of libppp: built only with pkg-config's flags. */
#include <stdio.h>
#include <string.h>

#include <ppp.h>

int
main(void)
{
	if (strcmp(ppp_version(), PPP_VERSION_STRING) != 0) {
		fprintf(stderr, "libppp: header %s, library %s\n",
		    PPP_VERSION_STRING, ppp_version());
		return 1;
	}
	printf("consumer: libppp %s linked\n", ppp_version());
	return 0;
}
