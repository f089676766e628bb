#include <roadgate/l2tp.h>

const char *
l2tp_version(void)
{
	return L2TP_VERSION_STRING;
}
