/* Out-of-tree consumer of libisakmp: built only with pkg-config's flags. */
#include <stdio.h>
#include <string.h>

#include <isakmp.h>

int
main(void)
{
	if (strcmp(isakmp_version(), ISAKMP_VERSION_STRING) != 0) {
		fprintf(stderr, "libisakmp: header %s, library %s\n",
		    ISAKMP_VERSION_STRING, isakmp_version());
		return 1;
	}
	printf("consumer: libisakmp %s linked\n", isakmp_version());
	return 0;
}
