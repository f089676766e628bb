/*
 * test_fsm.c - the RFC 1661 §4.1 state transition table, cell by cell.
 * Each cell of the RFC's table is written below exactly as printed there
 * ("irc,scr/6"); irc and zrc are not observable as calls and are checked
 * through the restart counter instead.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

#include "ppp_int.h"
#include "testsupport.h"

void test_fsm_register(void);

static char trace[128];

static void
rec(const char *a)
{
	if (trace[0] != '\0')
		strncat(trace, ",", sizeof(trace) - strlen(trace) - 1);
	strncat(trace, a, sizeof(trace) - strlen(trace) - 1);
}

static void t_tlu(struct fsm *f) { (void)f; rec("tlu"); }
static void t_tld(struct fsm *f) { (void)f; rec("tld"); }
static void t_tls(struct fsm *f) { (void)f; rec("tls"); }
static void t_tlf(struct fsm *f) { (void)f; rec("tlf"); }

static size_t
t_build(struct fsm *f, uint8_t *buf, size_t cap)
{
	(void)f;
	(void)buf;
	(void)cap;
	return 0;
}

static void
t_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *d, size_t len)
{
	static const char *names[] = { "?", "scr", "sca", "scn", "scn",
	    "str", "sta", "scj" };

	(void)f;
	(void)id;
	(void)d;
	(void)len;
	rec(code < 8 ? names[code] : "?");
}

static const struct fsm_ops test_ops = {
	"TEST", t_tlu, t_tld, t_tls, t_tlf, t_build, t_send
};

/* RFC 1661 §4.1, rows = events, columns = states 0..9. "-" = no-op. */
static const char *table[EV_COUNT][10] = {
/* Up   */ { "2", "irc,scr/6", "-", "-", "-", "-", "-", "-", "-", "-" },
/* Down */ { "-", "-", "0", "tls/1", "0", "1", "1", "1", "1", "tld/1" },
/* Open */ { "tls/1", "1", "irc,scr/6", "3", "5", "5", "6", "7", "8", "9" },
/* Close*/ { "0", "tlf/0", "2", "2", "4", "4", "irc,str/4", "irc,str/4",
	     "irc,str/4", "tld,irc,str/4" },
/* TO+  */ { "-", "-", "-", "-", "str/4", "str/5", "scr/6", "scr/6",
	     "scr/8", "-" },
/* TO-  */ { "-", "-", "-", "-", "tlf/2", "tlf/3", "tlf/3", "tlf/3",
	     "tlf/3", "-" },
/* RCR+ */ { "-", "-", "sta/2", "irc,scr,sca/8", "4", "5", "sca/8",
	     "sca,tlu/9", "sca/8", "tld,scr,sca/8" },
/* RCR- */ { "-", "-", "sta/2", "irc,scr,scn/6", "4", "5", "scn/6",
	     "scn/7", "scn/6", "tld,scr,scn/6" },
/* RCA  */ { "-", "-", "sta/2", "sta/3", "4", "5", "irc/7", "scr/6",
	     "irc,tlu/9", "tld,scr/6" },
/* RCN  */ { "-", "-", "sta/2", "sta/3", "4", "5", "irc,scr/6", "scr/6",
	     "irc,scr/8", "tld,scr/6" },
/* RTR  */ { "-", "-", "sta/2", "sta/3", "sta/4", "sta/5", "sta/6",
	     "sta/6", "sta/6", "tld,zrc,sta/5" },
/* RTA  */ { "-", "-", "2", "3", "tlf/2", "tlf/3", "6", "6", "8",
	     "tld,scr/6" },
/* RUC  */ { "-", "-", "scj/2", "scj/3", "scj/4", "scj/5", "scj/6",
	     "scj/7", "scj/8", "scj/9" },
/* RXJ+ */ { "-", "-", "2", "3", "4", "5", "6", "6", "8", "9" },
/* RXJ- */ { "-", "-", "tlf/2", "tlf/3", "tlf/2", "tlf/3", "tlf/3",
	     "tlf/3", "tlf/3", "tld,irc,str/5" },
/* RXR  */ { "-", "-", "2", "3", "4", "5", "6", "7", "8", "9" },
};

/* Splits "a,b/N" into the observable actions and the next state. */
static void
expect(const char *cell, int cur, char *acts, size_t cap, int *next,
    bool *irc, bool *zrc)
{
	const char *slash = strchr(cell, '/');
	char tmp[64], *tok, *save = NULL;

	acts[0] = '\0';
	*irc = *zrc = false;
	if (strcmp(cell, "-") == 0) {
		*next = cur;
		return;
	}
	if (slash == NULL) {
		*next = cell[0] - '0';
		return;
	}
	*next = slash[1] - '0';
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(slash - cell), cell);
	for (tok = strtok_r(tmp, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "irc") == 0) {
			*irc = true;
			continue;
		}
		if (strcmp(tok, "zrc") == 0) {
			*zrc = true;
			continue;
		}
		if (acts[0] != '\0')
			strncat(acts, ",", cap - strlen(acts) - 1);
		strncat(acts, tok, cap - strlen(acts) - 1);
	}
}

static void
test_every_cell(void)
{
	struct fsm f;
	struct fsm_arg a;
	int s, e, next, bad = 0;
	char want[64];
	bool irc, zrc;

	for (e = 0; e < EV_COUNT; e++) {
		for (s = 0; s <= ST_OPENED; s++) {
			ppp_fsm_init(&f, &test_ops, NULL, 1000 * NS_PER_MS, 10, 2);
			f.state = (uint8_t)s;
			f.restart = 5;
			f.now = 100;
			memset(&a, 0, sizeof(a));
			a.code = e == EV_RCR_MINUS ? CODE_CONFNAK :
			    CODE_CONFACK;
			trace[0] = '\0';
			ppp_fsm_event(&f, (enum fsm_event)e, &a);
			expect(table[e][s], s, want, sizeof(want), &next,
			    &irc, &zrc);
			if (f.state != next || strcmp(trace, want) != 0) {
				printf("\n  %s in %s: got %s/%d want %s/%d",
				    ppp_fsm_event_name(e), ppp_fsm_state_name(s),
				    trace, f.state, want, next);
				bad++;
			}
			/* irc: counter reloaded (minus one if a request was
			 * sent right after); zrc: zeroed. */
			if (irc) {
				int max = strstr(want, "str") != NULL ? 2 : 10;
				int got = f.restart;

				if (strstr(want, "scr") != NULL ||
				    strstr(want, "str") != NULL)
					got++;
				if (got != max) {
					printf("\n  %s in %s: restart %d",
					    ppp_fsm_event_name(e),
					    ppp_fsm_state_name(s), f.restart);
					bad++;
				}
			}
			if (zrc && (f.restart != 0 || f.timer == UINT64_MAX)) {
				printf("\n  %s in %s: zrc not applied",
				    ppp_fsm_event_name(e), ppp_fsm_state_name(s));
				bad++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* The restart timer runs exactly in the states that retransmit. */
static void
test_timer_states(void)
{
	struct fsm f;

	ppp_fsm_init(&f, &test_ops, NULL, 1000 * NS_PER_MS, 3, 2);
	f.now = 0;
	trace[0] = '\0';
	ppp_fsm_event(&f, EV_UP, NULL);
	CU_ASSERT_EQUAL(f.timer, UINT64_MAX);
	ppp_fsm_event(&f, EV_OPEN, NULL);
	CU_ASSERT_EQUAL(f.state, ST_REQSENT);
	CU_ASSERT_EQUAL(f.timer, 1000 * NS_PER_MS);
	/* Max-Configure = 3: three requests, then TO- and tlf. */
	ppp_fsm_event(&f, EV_TO_PLUS, NULL);
	ppp_fsm_event(&f, EV_TO_PLUS, NULL);
	CU_ASSERT_EQUAL(f.restart, 0);
	ppp_fsm_event(&f, EV_TO_MINUS, NULL);
	CU_ASSERT_EQUAL(f.state, ST_STOPPED);
	CU_ASSERT_EQUAL(f.timer, UINT64_MAX);
	CU_ASSERT_STRING_EQUAL(trace, "scr,scr,scr,tlf");
}

void
test_fsm_register(void)
{
	CU_pSuite s = CU_add_suite("ppp_fsm", NULL, NULL);

	CU_add_test(s, "RFC 1661 4.1 table, every cell", test_every_cell);
	CU_add_test(s, "restart timer and Max-Configure", test_timer_states);
}
