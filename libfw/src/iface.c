/*
 * iface.c - interfaces ("add fire policy=main int=X type=..."): the static
 * ones, the dynamic class and its members (PPP sessions) with their user
 * tag, anti-spoofing peer address and MSS clamp; per-interface counters.
 */
#include <string.h>

#include "fw_int.h"

const struct ifent *
fw_if_get(const struct fw_ctx *ctx, uint16_t id)
{
	if (id >= ctx->cfg.max_interfaces || !ctx->ifs[id].used)
		return NULL;
	return &ctx->ifs[id];
}

int
fw_interface_add(struct fw_ctx *ctx, const struct fw_interface_cfg *icfg)
{
	struct ifent *e;
	char a[16];

	if (ctx == NULL || icfg == NULL ||
	    icfg->size != sizeof(struct fw_interface_cfg))
		return FW_E_INVAL;
	if (icfg->id == FW_IF_DYNAMIC) {
		if (icfg->dynamic || icfg->peer_addr != 0 ||
		    icfg->mss_clamp != 0 || (icfg->type != FW_IF_PRIVATE &&
		    icfg->type != FW_IF_PUBLIC))
			return FW_E_INVAL;
		if (ctx->dyn_type != 0)
			return FW_E_EXISTS;
		ctx->dyn_type = (uint8_t)icfg->type;
		ctx->dyn_user = icfg->user;
		fw_log(ctx, FW_LOG_DEBUG, "fw: dynamic interface class added "
		    "(%s)", fw_if_type_name(icfg->type));
		return 0;
	}
	if (icfg->id == FW_IF_LOCAL || icfg->id >= ctx->cfg.max_interfaces)
		return FW_E_INVAL;
	if (!icfg->dynamic && icfg->type != FW_IF_PRIVATE &&
	    icfg->type != FW_IF_PUBLIC)
		return FW_E_INVAL;
	/* Anti-spoofing names the one host behind a dynamic member. */
	if (!icfg->dynamic && icfg->peer_addr != 0)
		return FW_E_INVAL;
	if (icfg->dynamic && ctx->dyn_type == 0)
		return FW_E_NOT_FOUND;
	e = &ctx->ifs[icfg->id];
	if (e->used)
		return FW_E_EXISTS;
	memset(e, 0, sizeof(*e));	/* nflows is 0: removal drained it */
	e->used = true;
	e->dynamic = icfg->dynamic;
	e->type = icfg->dynamic ? 0 : (uint8_t)icfg->type;
	e->address = icfg->address;
	e->peer_addr = icfg->peer_addr;
	e->mss_clamp = icfg->mss_clamp;
	e->user = icfg->user;
	fw_log(ctx, FW_LOG_DEBUG, "fw: interface %u added (%s%s, peer %s, "
	    "mss clamp %u)", icfg->id, icfg->dynamic ? "dynamic " : "",
	    fw_if_type_name((enum fw_if_type)fw_if_type(ctx, icfg->id)),
	    e->peer_addr != 0 ? fw_ipstr(e->peer_addr, a) : "any",
	    e->mss_clamp);
	return 0;
}

int
fw_interface_remove(struct fw_ctx *ctx, uint16_t id)
{
	uint32_t i, n = 0;

	if (ctx == NULL)
		return FW_E_INVAL;
	if (id == FW_IF_LOCAL || fw_if_get(ctx, id) == NULL)
		return FW_E_NOT_FOUND;
	/* Only while it still has flows, and only up to the peak of the
	 * table: a PPP session that ends must not scan max_flows. */
	for (i = 0; i < ctx->hwm && ctx->ifs[id].nflows > 0; i++) {
		struct flow *f = &ctx->flows[i];

		if ((f->flags & FL_USED) && (f->in_if == id ||
		    f->out_if == id)) {
			fw_flow_remove(ctx, f);
			n++;
		}
	}
	ctx->st.flows_removed += n;
	memset(&ctx->ifs[id], 0, sizeof(ctx->ifs[id]));
	fw_log(ctx, FW_LOG_INFO, "fw: interface %u removed with %u connections",
	    id, n);
	return 0;
}

int
fw_interface_set_address(struct fw_ctx *ctx, uint16_t id, uint32_t address)
{
	if (ctx == NULL)
		return FW_E_INVAL;
	if (id == FW_IF_LOCAL || fw_if_get(ctx, id) == NULL)
		return FW_E_NOT_FOUND;
	ctx->ifs[id].address = address;
	return 0;
}

uint64_t
fw_interface_user(const struct fw_ctx *ctx, uint16_t id)
{
	const struct ifent *e;

	if (ctx == NULL)
		return 0;
	if (id == FW_IF_DYNAMIC)
		return ctx->dyn_type != 0 ? ctx->dyn_user : 0;
	if (id == FW_IF_LOCAL || (e = fw_if_get(ctx, id)) == NULL)
		return 0;
	return e->user;
}

int
fw_interface_stats(const struct fw_ctx *ctx, uint16_t id,
    struct fw_if_stats *st)
{
	const struct ifent *e;

	if (ctx == NULL || st == NULL)
		return FW_E_INVAL;
	if ((e = fw_if_get(ctx, id)) == NULL)
		return FW_E_NOT_FOUND;
	*st = e->st;
	return 0;
}
