/* random: prints --count random numbers and dice rolls from the random device.
 */
#include <mg/mg.h>

#include "mg_app.h"

int random_start(mg_console *console, mg_random *rng)
{
	for (int64_t i = 0; i < mg_keys.count; i++) {
		uint64_t v = mg_random_u64(rng);
		unsigned die = (unsigned)mg_random_uniform(rng, 6) + 1;
		mg_console_printf(console, "%016llx  die %u\n",
		                  (unsigned long long)v, die);
	}
	return 0;
}
