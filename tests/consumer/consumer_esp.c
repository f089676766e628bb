/* Out-of-tree consumer of libesp: built only with pkg-config's flags. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <roadgate/esp.h>

/* Test-only RNG (a real consumer passes its CSPRNG). */
static int
rng(void *user, void *buf, size_t len)
{
	uint64_t *s = user;
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		p[i] = (uint8_t)*s;
	}
	return 0;
}

int
main(void)
{
	uint64_t seed = 0x1234567887654321ULL;
	struct esp_hooks h;
	struct esp_config cfg;
	struct esp_sa_config c;
	struct esp_ctx *ctx;
	struct esp_sa *sa;
	struct esp_rx rx;
	struct esp_event ev;
	struct esp_sa_info info;
	struct esp_endpoint from = { 0xc0000202, 40000 };
	uint8_t buf[ESP_HEADROOM + 64 + ESP_TAILROOM];
	size_t off = ESP_HEADROOM, len = 16, cur = 0, n = 0;
	int rc;

	if (strcmp(esp_version(), ESP_VERSION_STRING) != 0) {
		fprintf(stderr, "libesp: header %s, library %s\n",
		    ESP_VERSION_STRING, esp_version());
		return 1;
	}
	memset(&h, 0, sizeof(h));
	h.user = &seed;
	h.rng = rng;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.max_sas = 4;
	if ((rc = esp_ctx_new(&ctx, &cfg, &h)) != ESP_OK) {
		fprintf(stderr, "esp_ctx_new: %s\n", esp_strerror(rc));
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.spi = 0x100;
	c.mode = ESP_MODE_TRANSPORT;
	c.enc_alg = ESP_ENC_AES_GCM_16;
	c.enc_key_len = 16;
	c.dir = ESP_DIR_OUT;
	rc = esp_sa_add(ctx, 0, &c, &sa);
	c.dir = ESP_DIR_IN;
	c.udp_encap = true;
	c.encap_dport = 4500;
	c.pair = sa;
	if (rc == ESP_OK)
		rc = esp_sa_add(ctx, 0, &c, NULL);
	memset(buf + off, 0x42, len);
	if (rc == ESP_OK)
		rc = esp_sa_encrypt(ctx, 0, sa, 17, buf, sizeof(buf), &off, &len);
	if (rc == ESP_OK)
		rc = esp_input(ctx, 0, buf + off, len, &from, &rx);
	if (rc == ESP_OK && (rx.len != 16 || !rx.peer_moved ||
	    !esp_next_event(ctx, &ev) || ev.type != ESP_EV_PEER_MOVED ||
	    ev.endpoint.port != from.port))
		rc = ESP_E_INVAL;
	while (rc == ESP_OK && esp_sa_next(ctx, 0, &cur, &info))
		n++;
	esp_ctx_free(ctx);
	if (rc != ESP_OK || n != 2) {
		fprintf(stderr, "libesp round trip: %s\n", esp_strerror(rc));
		return 1;
	}
	printf("consumer: libesp %s linked, ESP round trip ok (%s, %s)\n",
	    esp_version(), esp_event_name(ESP_EV_PEER_MOVED),
	    esp_enc_alg_name(ESP_ENC_AES_GCM_16));
	return 0;
}
