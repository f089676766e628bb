/*
 * names.c - static names for everything a caller prints: error codes,
 * StopCCN/CDN result codes, General Error Codes, control message types,
 * tunnel and session states, event types.
 */
#include "l2tp_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
l2tp_strerror(int err)
{
	switch (err) {
	case L2TP_OK: return "success";
	case L2TP_E_INVAL: return "invalid argument";
	case L2TP_E_NOMEM: return "out of memory";
	case L2TP_E_RNG: return "random number generator failed";
	case L2TP_E_CRYPTO: return "crypto failure (MD5)";
	case L2TP_E_BUFFER: return "buffer too small";
	case L2TP_E_AGAIN: return "nothing available";
	case L2TP_E_LIMIT: return "limit reached";
	case L2TP_E_STATE: return "not valid in this state";
	case L2TP_E_EXISTS: return "already exists";
	case L2TP_E_NOT_FOUND: return "no such tunnel or session";
	case L2TP_E_TRUNCATED: return "truncated header";
	case L2TP_E_BAD_LENGTH: return "length field disagrees with datagram";
	case L2TP_E_VERSION: return "unsupported version";
	case L2TP_E_DUPLICATE: return "duplicate message";
	case L2TP_E_QUEUE_FULL: return "queue full";
	case L2TP_E_BAD_HEADER: return "malformed header";
	case L2TP_E_AVP_LENGTH: return "invalid AVP length";
	case L2TP_E_HIDDEN: return "undecodable hidden AVP";
	case L2TP_E_MISSING_AVP: return "required AVP missing";
	case L2TP_E_BAD_AVP: return "malformed AVP value";
	case L2TP_E_UNKNOWN_MANDATORY: return "unknown mandatory AVP";
	case L2TP_E_NO_TUNNEL: return "no such tunnel";
	case L2TP_E_NO_SESSION: return "no such session";
	case L2TP_E_SEQUENCE: return "Ns outside receive window";
	case L2TP_E_AUTH: return "tunnel authentication failed";
	case L2TP_E_UNSUPPORTED: return "unsupported request";
	case L2TP_E_ROLE: return "not allowed in this role";
	case L2TP_E_TIEBREAK: return "lost tie-breaker";
	case L2TP_E_TIMEOUT: return "peer not responding";
	case L2TP_E_SETUP_TIMEOUT: return "session setup timed out";
	case L2TP_E_PEER_GONE: return "transport peer gone";
	case L2TP_E_PEER_RESTART: return "peer restarted the tunnel";
	default: return "unknown error";
	}
}

const char *
l2tp_result_str(bool stopccn, uint16_t result)
{
	static const char *const stop[] = {
		"reserved", "general request to clear control connection",
		"general error", "control channel already exists",
		"requester is not authorized", "protocol version not supported",
		"requester is being shut down", "finite state machine error",
	};
	static const char *const cdn[] = {
		"reserved", "lost carrier", "general error", "administrative reason",
		"no temporary facilities", "no permanent facilities",
		"invalid destination", "no carrier", "busy", "no dial tone",
		"timeout", "no appropriate framing",
	};

	if (stopccn)
		return result < NELEM(stop) ? stop[result] : "unknown";
	return result < NELEM(cdn) ? cdn[result] : "unknown";
}

const char *
l2tp_error_code_str(uint16_t error)
{
	static const char *const names[] = {
		"no general error", "no control connection exists yet",
		"length is wrong", "field out of range or reserved field non-zero",
		"insufficient resources", "invalid session ID",
		"vendor specific error", "try another LNS",
		"unknown mandatory AVP",
	};

	return error < NELEM(names) ? names[error] : "unknown";
}

const char *
l2tpi_msg_name(unsigned type)
{
	static const char *const names[] = {
		[MT_SCCRQ] = "SCCRQ", [MT_SCCRP] = "SCCRP", [MT_SCCCN] = "SCCCN",
		[MT_STOPCCN] = "StopCCN", [MT_HELLO] = "HELLO", [MT_OCRQ] = "OCRQ",
		[MT_OCRP] = "OCRP", [MT_OCCN] = "OCCN", [MT_ICRQ] = "ICRQ",
		[MT_ICRP] = "ICRP", [MT_ICCN] = "ICCN", [MT_CDN] = "CDN",
		[MT_WEN] = "WEN", [MT_SLI] = "SLI",
	};

	if (type < NELEM(names) && names[type] != NULL)
		return names[type];
	return "unknown message";
}

const char *
l2tp_message_name(unsigned type)
{
	return l2tpi_msg_name(type);
}

const char *
l2tp_event_name(enum l2tp_event_type type)
{
	switch (type) {
	case L2TP_EV_TUNNEL_UP: return "TUNNEL_UP";
	case L2TP_EV_TUNNEL_DOWN: return "TUNNEL_DOWN";
	case L2TP_EV_SESSION_UP: return "SESSION_UP";
	case L2TP_EV_SESSION_DOWN: return "SESSION_DOWN";
	case L2TP_EV_PROXY: return "PROXY";
	}
	return "unknown";
}

const char *
l2tp_tunnel_state_name(enum l2tp_tunnel_state state)
{
	switch (state) {
	case L2TP_TUNNEL_WAIT_CTL_REPLY: return "wait-ctl-reply";
	case L2TP_TUNNEL_WAIT_CTL_CONN: return "wait-ctl-conn";
	case L2TP_TUNNEL_ESTABLISHED: return "established";
	case L2TP_TUNNEL_CLOSING: return "closing";
	case L2TP_TUNNEL_LINGER: return "linger";
	}
	return "unknown";
}

const char *
l2tp_session_state_name(enum l2tp_session_state state)
{
	switch (state) {
	case L2TP_SESSION_WAIT_TUNNEL: return "wait-tunnel";
	case L2TP_SESSION_WAIT_REPLY: return "wait-reply";
	case L2TP_SESSION_WAIT_CONNECT: return "wait-connect";
	case L2TP_SESSION_ESTABLISHED: return "established";
	}
	return "unknown";
}
