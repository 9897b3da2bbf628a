/* The peer of bench/spt_boot.c: a static C program that writes a line. */
#include <unistd.h>

int main(void)
{
	static const char line[] = "Hello from a static C program\n";
	return write(1, line, sizeof line - 1) == sizeof line - 1 ? 0 : 1;
}
