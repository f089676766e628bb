/*
 * names.c - the names of error codes and of every enum a caller prints.
 */
#include "ppp_int.h"

const char *
ppp_strerror(int err)
{
	switch (err) {
	case PPP_OK: return "success";
	case PPP_E_INVAL: return "invalid argument";
	case PPP_E_NOMEM: return "out of memory";
	case PPP_E_RNG: return "rng failure";
	case PPP_E_CRYPTO: return "crypto failure";
	case PPP_E_BUFFER: return "buffer too small";
	case PPP_E_AGAIN: return "nothing to return";
	case PPP_E_LIMIT: return "limit reached";
	case PPP_E_STATE: return "wrong state";
	case PPP_E_EXISTS: return "already exists";
	case PPP_E_NOT_FOUND: return "not found";
	case PPP_E_TRUNCATED: return "truncated frame";
	case PPP_E_BAD_LENGTH: return "bad length field";
	case PPP_E_VERSION: return "unsupported version";
	case PPP_E_DUPLICATE: return "duplicate message";
	case PPP_E_QUEUE_FULL: return "queue full";
	case PPP_E_BAD_OPTION: return "malformed option";
	case PPP_E_DUP_OPTION: return "duplicated option";
	case PPP_E_BAD_ID: return "identifier mismatch";
	case PPP_E_UNKNOWN_PROTO: return "unknown protocol";
	case PPP_E_UNKNOWN_CODE: return "unknown code";
	case PPP_E_BAD_MESSAGE: return "malformed authentication message";
	case PPP_E_NAME_TOO_LONG: return "name or value too long";
	case PPP_E_BAD_RESPONSE: return "response of the wrong size";
	case PPP_E_LATE: return "message in the wrong phase";
	case PPP_E_NOT_CONVERGED: return "negotiation did not converge";
	case PPP_E_RATE_LIMITED: return "rate limited";
	case PPP_E_LOOPBACK: return "looped-back link";
	case PPP_E_TOO_BIG: return "larger than MRU";
	case PPP_E_AUTH: return "authentication failed";
	case PPP_E_BAD_FRAME: return "bad frame header";
	case PPP_E_SPOOFED: return "IP source is not the peer's address";
	}
	return "unknown";
}

const char *
ppp_auth_method_name(enum ppp_auth_method m)
{
	switch (m) {
	case PPP_AUTH_NONE: return "none";
	case PPP_AUTH_PAP: return "PAP";
	case PPP_AUTH_CHAP_MD5: return "CHAP-MD5";
	case PPP_AUTH_MSCHAPV2: return "MS-CHAPv2";
	}
	return "unknown";
}

const char *
ppp_role_name(enum ppp_role r)
{
	switch (r) {
	case PPP_ROLE_SERVER: return "server";
	case PPP_ROLE_CLIENT: return "client";
	}
	return "unknown";
}

const char *
ppp_event_name(enum ppp_event_type t)
{
	switch (t) {
	case PPP_EV_LINK_UP: return "LINK_UP";
	case PPP_EV_AUTH_REQUEST: return "AUTH_REQUEST";
	case PPP_EV_AUTH_RESULT: return "AUTH_RESULT";
	case PPP_EV_ADDRESS_WANTED: return "ADDRESS_WANTED";
	case PPP_EV_IP_UP: return "IP_UP";
	case PPP_EV_LINK_DOWN: return "LINK_DOWN";
	}
	return "unknown";
}

const char *
ppp_down_reason_name(enum ppp_down_reason r)
{
	switch (r) {
	case PPP_DOWN_PEER_TERMINATED: return "peer terminated";
	case PPP_DOWN_LOCAL_CLOSE: return "local close";
	case PPP_DOWN_ECHO_TIMEOUT: return "echo timeout";
	case PPP_DOWN_AUTH_FAILED: return "authentication failed";
	case PPP_DOWN_NEGOTIATION_FAILED: return "negotiation failed";
	case PPP_DOWN_LOOPBACK: return "looped back";
	case PPP_DOWN_PROTOCOL_REJECTED: return "protocol rejected";
	case PPP_DOWN_NO_COMMON_AUTH: return "no common authentication";
	}
	return "unknown";
}

const char *
ppp_phase_name(enum ppp_phase p)
{
	switch (p) {
	case PPP_PHASE_DEAD: return "dead";
	case PPP_PHASE_ESTABLISH: return "establish";
	case PPP_PHASE_AUTHENTICATE: return "authenticate";
	case PPP_PHASE_NETWORK: return "network";
	case PPP_PHASE_TERMINATE: return "terminate";
	}
	return "unknown";
}
