/* initmissing: package needy imports ghost/pkg, which nobody declares. The
 * runtime must refuse to start: a fatal error naming both, exit status 2. */
#include "rt0.h"

static void ran(void)
{
	rt0_fact_int("init.ran", 1);
}

RT0_PACKAGE(pkg_main, "main", RT0_IMPORTS("needy"), RT0_INITS(ran));
RT0_PACKAGE(pkg_needy, "needy", RT0_IMPORTS("ghost/pkg"), RT0_INITS(ran));

void main_main(void)
{
	rt0_fact_int("main.ran", 1);
}
