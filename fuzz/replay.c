/* Replays a fuzz target's corpus as an ordinary test: every file in the
 * directories (or the files) given runs once through LLVMFuzzerTestOneInput.
 * A crash, a sanitizer report or a leak fails the test. */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util/macros.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "rbe");
	if (!f) {
		fprintf(stderr, "replay: %s: %m\n", path);
		return -errno;
	}
	if (fseek(f, 0, SEEK_END) < 0)
		return -errno;
	long n = ftell(f);
	if (n < 0)
		return -errno;
	rewind(f);
	_cleanup_free_ uint8_t *buf = xmalloc((size_t)n + 1);
	if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		return -EIO;
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned count = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %m\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) < 0)
				return 1;
			count++;
			continue;
		}
		struct dirent **names;
		int n = scandir(argv[i], &names, NULL, alphasort);
		if (n < 0) {
			fprintf(stderr, "replay: %s: %m\n", argv[i]);
			return 1;
		}
		for (int j = 0; j < n; j++) {
			if (names[j]->d_name[0] != '.') {
				_cleanup_free_ char *p = xasprintf("%s/%s", argv[i], names[j]->d_name);
				if (replay_file(p) < 0)
					return 1;
				count++;
			}
			free(names[j]);
		}
		free(names);
	}
	if (count == 0) {
		fprintf(stderr, "replay: empty corpus\n");
		return 1;
	}
	printf("replayed %u inputs\n", count);
	return 0;
}
