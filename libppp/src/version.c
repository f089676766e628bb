#include <roadgate/ppp.h>

const char *
ppp_version(void)
{
	return PPP_VERSION_STRING;
}
