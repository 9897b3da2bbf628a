/* The unix entry point; kept alone so test programs can bring their own. */
#include <mg/platform.h>
#include <mg/platform_unix.h>

int main(int argc, char **argv)
{
	mg_unix_init(argc, argv);
	mg__boot();
}
