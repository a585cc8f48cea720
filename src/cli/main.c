#include "cordon-config.h"
#include "util/macros.h"

int main(int argc, char **argv)
{
	printf("cordon %s\n", CORDON_VERSION);
	return 0;
}
