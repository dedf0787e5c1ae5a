/* initorder: packages whose init order differs between Go 1.19's rule and
 * Go 1.21's. A diamond (main imports zeta and alpha; both import common)
 * and ties (tie/c, tie/a, tie/b: independent, imported by main, declared
 * out of order). Sorted by path: alpha common main tie/a tie/b tie/c zeta.
 *   Go 1.21: common alpha tie/a tie/b tie/c zeta main
 *   Go 1.19 (depth-first in import order): common zeta alpha tie/c tie/a
 *            tie/b main
 * Every init function records "init.N=<pkg>.<k>" in call order, with the
 * goroutine it ran on and NumGoroutine at that moment. */
#include "probe_util.h"
#include "rt0.h"

static int32_t ninit;

static void record(const char *who)
{
	char key[64];
	int32_t n = ninit++;

	rt0_fact_str(pu_key(key, "init.", n, ""), who);
	rt0_fact_int(pu_key(key, "init.", n, ".goid"), rt0_goid());
	rt0_fact_int(pu_key(key, "init.", n, ".numgoroutine"),
	             rt0_num_goroutine());
}

#define INIT(ident, who)                                                       \
	static void ident(void)                                                \
	{                                                                      \
		record(who);                                                   \
	}

INIT(main_0, "main.0")
INIT(main_1, "main.1")
INIT(zeta_0, "zeta.0")
INIT(zeta_1, "zeta.1")
INIT(tiec_0, "tie/c.0")
INIT(tiec_1, "tie/c.1")
INIT(alpha_0, "alpha.0")
INIT(alpha_1, "alpha.1")
INIT(tiea_0, "tie/a.0")
INIT(tiea_1, "tie/a.1")
INIT(common_0, "common.0")
INIT(common_1, "common.1")
INIT(common_2, "common.2")
INIT(tieb_0, "tie/b.0")
INIT(tieb_1, "tie/b.1")

/* Declared in neither order on purpose. */
RT0_PACKAGE(pkg_main, "main",
            RT0_IMPORTS("zeta", "alpha", "tie/c", "tie/a", "tie/b"),
            RT0_INITS(main_0, main_1));
RT0_PACKAGE(pkg_zeta, "zeta", RT0_IMPORTS("common"), RT0_INITS(zeta_0, zeta_1));
RT0_PACKAGE(pkg_tiec, "tie/c", RT0_NO_IMPORTS, RT0_INITS(tiec_0, tiec_1));
RT0_PACKAGE(pkg_alpha, "alpha", RT0_IMPORTS("common"),
            RT0_INITS(alpha_0, alpha_1));
RT0_PACKAGE(pkg_tiea, "tie/a", RT0_NO_IMPORTS, RT0_INITS(tiea_0, tiea_1));
RT0_PACKAGE(pkg_common, "common", RT0_NO_IMPORTS,
            RT0_INITS(common_0, common_1, common_2));
RT0_PACKAGE(pkg_tieb, "tie/b", RT0_NO_IMPORTS, RT0_INITS(tieb_0, tieb_1));

void main_main(void)
{
	rt0_mark("main");
	rt0_fact_int("init.count", ninit);
	rt0_fact_int("main.goid", rt0_goid());
	rt0_fact_int("main.numgoroutine", rt0_num_goroutine());
}
