/* Out-of-tree consumer of libfw: built only with pkg-config's flags.
 * Creates a real context through the public API, passes one packet and
 * frees it. */
#include <stdio.h>
#include <string.h>

#include <roadgate/fw.h>

static int
rng(void *user, void *buf, size_t len)
{
	(void)user;
	memset(buf, 0x5a, len); /* a consumer check needs no secrecy */
	return 0;
}

int
main(void)
{
	struct fw_hooks h = { .rng = rng };
	struct fw_config cfg = { .size = sizeof(cfg), .max_flows = 16 };
	struct fw_interface_cfg lan = { .size = sizeof(lan), .id = 2,
	    .type = FW_IF_PRIVATE };
	struct fw_ctx *ctx;
	struct fw_pkt p = { .len = 28, .in_if = 2, .out_if = FW_IF_LOCAL };
	struct fw_stats st;
	/* 192.168.1.10 -> 192.168.1.1 UDP 1000 -> 53, no UDP checksum. */
	uint8_t pkt[28] = {
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00,
		0x40, 0x11, 0xf7, 0x74, 0xc0, 0xa8, 0x01, 0x0a,
		0xc0, 0xa8, 0x01, 0x01, 0x03, 0xe8, 0x00, 0x35,
		0x00, 0x08, 0x00, 0x00,
	};
	int rc;

	if (strcmp(fw_version(), FW_VERSION_STRING) != 0) {
		fprintf(stderr, "libfw: header %s, library %s\n",
		    FW_VERSION_STRING, fw_version());
		return 1;
	}
	if ((rc = fw_ctx_new(&ctx, &cfg, &h)) != 0) {
		fprintf(stderr, "fw_ctx_new: %s\n", fw_strerror(rc));
		return 1;
	}
	rc = fw_interface_add(ctx, &lan);
	p.data = pkt;
	if (rc == 0)
		rc = fw_process(ctx, 1, &p);
	fw_get_stats(ctx, &st);
	fw_ctx_free(ctx);
	if (rc != 0 || p.verdict.action != FW_VERDICT_PASS ||
	    st.flows_active != 1) {
		fprintf(stderr, "libfw: %s\n", fw_strerror(rc));
		return 1;
	}
	printf("consumer: libfw %s linked, one packet passed\n", fw_version());
	return 0;
}
