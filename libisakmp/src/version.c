#include <roadgate/isakmp.h>

const char *
isakmp_version(void)
{
	return ISAKMP_VERSION_STRING;
}
