/* exchange.h - IKE SA table and exchange handlers (internal). */
#ifndef ISAKMP_EXCHANGE_H
#define ISAKMP_EXCHANGE_H

#include "isakmp_int.h"

void sa_destroy(struct isakmp_ctx *ctx, struct ike_sa *sa);
int out_queue(struct isakmp_ctx *ctx, const struct isakmp_addr *from,
    const struct isakmp_addr *to, const uint8_t *d, size_t len);
void ev_push(struct isakmp_ctx *ctx, const struct isakmp_event *ev);

#endif
