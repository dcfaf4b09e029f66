// hw1_start_env is startEnv (logging.go) in C, for the program's .preinit_array: it
// sets *out to the environment the program must run in (a new array of envp's strings
// and static ones) and returns whether it differs from envp.
int hw1_start_env(int argc, char **argv, char **envp, char ***out);
