// TensorFlow may log while its shared library is being initialised, before any Go
// code runs: on CPUs where it turns oneDNN on by itself (AVX-512 VNNI and newer) it
// announces oneDNN then. It reads its log threshold, TF_CPP_MIN_LOG_LEVEL, from the
// environment the process started with, so the threshold must be there at exec time.
// hw1_preinit, in the executable's .preinit_array, runs before the initialisers of
// every shared library: when the environment lacks what startEnv (logging.go) wants,
// it re-executes the program at once with that environment, before TensorFlow has
// loaded. The rules are the same as startEnv's, and a test holds the two together.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preinit.h"

// lookup returns the value of key in envp (the last definition wins), or NULL.
static const char *lookup(char **envp, const char *key) {
	size_t n = strlen(key);
	const char *v = NULL;
	for (char **e = envp; *e != NULL; e++) {
		if (strncmp(*e, key, n) == 0 && (*e)[n] == '=') {
			v = *e + n + 1;
		}
	}
	return v;
}

static int is_true(const char *s) {
	return s != NULL && (strcasecmp(s, "1") == 0 || strcasecmp(s, "true") == 0 ||
	                     strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0);
}

// verbose reports whether HW1_VERBOSE or a --verbose flag (before any "--") asks for
// TensorFlow's informational lines.
static int verbose(int argc, char **argv, char **envp) {
	if (is_true(lookup(envp, "HW1_VERBOSE"))) {
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			break;
		}
		if (a[0] != '-') {
			continue;
		}
		while (*a == '-') {
			a++;
		}
		size_t n = strlen("verbose");
		if (strncmp(a, "verbose", n) == 0 && (a[n] == '\0' || (a[n] == '=' && is_true(a + n + 1)))) {
			return 1;
		}
	}
	return 0;
}

int hw1_start_env(int argc, char **argv, char **envp, char ***out) {
	int n = 0;
	while (envp[n] != NULL) {
		n++;
	}
	char **env = calloc((size_t)n + 3, sizeof *env);
	if (env == NULL) {
		return 0;
	}
	const char *level = lookup(envp, "TF_CPP_MIN_LOG_LEVEL");
	int loud = verbose(argc, argv, envp) && (level == NULL || strcmp(level, "0") != 0);
	int m = 0, changed = 0;
	for (int i = 0; i < n; i++) {
		if (loud && strncmp(envp[i], "TF_CPP_MIN_LOG_LEVEL=", 21) == 0) {
			continue;
		}
		env[m++] = envp[i];
	}
	if (lookup(envp, "TF_ENABLE_ONEDNN_OPTS") == NULL) {
		env[m++] = "TF_ENABLE_ONEDNN_OPTS=1";
		changed = 1;
	}
	if (loud) {
		env[m++] = "TF_CPP_MIN_LOG_LEVEL=0";
		changed = 1;
	} else if (level == NULL) {
		env[m++] = "TF_CPP_MIN_LOG_LEVEL=1";
		changed = 1;
	}
	env[m] = NULL;
	*out = env;
	return changed;
}

static void hw1_preinit(int argc, char **argv, char **envp) {
	char **env;
	if (hw1_start_env(argc, argv, envp, &env)) {
		// execve returns only when it fails; the program then starts as it is, and
		// the Go side (onednn.go) tries again.
		execve("/proc/self/exe", argv, env);
	}
	free(env);
}

__attribute__((section(".preinit_array"), used))
static void (*hw1_preinit_entry)(int, char **, char **) = hw1_preinit;
