/* Out-of-tree consumer of libfw: built only with pkg-config's flags. */
#include <stdio.h>
#include <string.h>

#include <fw.h>

int
main(void)
{
	if (strcmp(fw_version(), FW_VERSION_STRING) != 0) {
		fprintf(stderr, "libfw: header %s, library %s\n",
		    FW_VERSION_STRING, fw_version());
		return 1;
	}
	printf("consumer: libfw %s linked\n", fw_version());
	return 0;
}
