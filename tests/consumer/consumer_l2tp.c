/* Out-of-tree consumer of libl2tp: built only with pkg-config's flags. */
#include <stdio.h>
#include <string.h>

#include <l2tp.h>

int
main(void)
{
	if (strcmp(l2tp_version(), L2TP_VERSION_STRING) != 0) {
		fprintf(stderr, "libl2tp: header %s, library %s\n",
		    L2TP_VERSION_STRING, l2tp_version());
		return 1;
	}
	printf("consumer: libl2tp %s linked\n", l2tp_version());
	return 0;
}
