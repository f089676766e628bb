#include <roadgate/fw.h>

const char *
fw_version(void)
{
	return FW_VERSION_STRING;
}
