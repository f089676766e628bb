/* Out-of-tree consumer of libesp: built only with pkg-config's flags. */
#include <stdio.h>
#include <string.h>

#include <esp.h>

int
main(void)
{
	if (strcmp(esp_version(), ESP_VERSION_STRING) != 0) {
		fprintf(stderr, "libesp: header %s, library %s\n",
		    ESP_VERSION_STRING, esp_version());
		return 1;
	}
	printf("consumer: libesp %s linked\n", esp_version());
	return 0;
}
