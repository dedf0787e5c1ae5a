/* initcycle: cyc/a -> cyc/b -> cyc/c -> cyc/a. The runtime must refuse to
 * start: a fatal error naming the cycle, exit status 2, no init run. */
#include "rt0.h"

static void ran(void)
{
	rt0_fact_int("init.ran", 1);
}

RT0_PACKAGE(pkg_main, "main", RT0_IMPORTS("cyc/a"), RT0_INITS(ran));
RT0_PACKAGE(pkg_a, "cyc/a", RT0_IMPORTS("cyc/b"), RT0_INITS(ran));
RT0_PACKAGE(pkg_b, "cyc/b", RT0_IMPORTS("cyc/c"), RT0_INITS(ran));
RT0_PACKAGE(pkg_c, "cyc/c", RT0_IMPORTS("cyc/a"), RT0_INITS(ran));

void main_main(void)
{
	rt0_fact_int("main.ran", 1);
}
