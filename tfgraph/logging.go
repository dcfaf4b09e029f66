package tfgraph

import (
	"slices"
	"strings"
)

// logLevelVar is TensorFlow's C++ log threshold: 0 shows informational lines, 1 only
// warnings and errors, 2 only errors, 3 nothing. TensorFlow prints some lines while its
// library is being loaded (oneDNN's announcement among them), before any Go code
// runs, so the threshold must be in the environment when the process starts: init
// re-executes the program with it set (see onednn.go).
const logLevelVar = "TF_CPP_MIN_LOG_LEVEL"

// VerboseFlag is the command-line flag, and VerboseEnv the environment variable, that
// let TensorFlow's informational lines through. init reads them from os.Args and the
// environment before the command line is parsed.
const (
	VerboseFlag = "verbose"
	VerboseEnv  = "HW1_VERBOSE"
)

// verbose reports whether args (the program's arguments, without its name) or environ
// ask for TensorFlow's informational lines: --verbose (or -verbose, --verbose=true)
// before any "--", or VerboseEnv set to 1 or true.
func verbose(environ, args []string) bool {
	if v, ok := lookupEnv(environ, VerboseEnv); ok && isTrue(v) {
		return true
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == VerboseFlag && (!hasVal || isTrue(val)) {
			return true
		}
	}
	return false
}

// startEnv returns the environment the program must run in and whether it differs
// from environ, in which case init re-executes the program: oneDNN on unless
// TF_ENABLE_ONEDNN_OPTS is set, and TensorFlow's log threshold at warnings (1) unless
// TF_CPP_MIN_LOG_LEVEL is set, or at everything (0) when verbose.
func startEnv(environ, args []string) ([]string, bool) {
	env := slices.Clone(environ)
	changed := false
	if _, ok := lookupEnv(env, oneDNNVar); !ok {
		env = append(env, oneDNNVar+"=1")
		changed = true
	}
	level, ok := lookupEnv(env, logLevelVar)
	switch {
	case verbose(environ, args) && level != "0":
		env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, logLevelVar+"=") })
		env = append(env, logLevelVar+"=0")
		changed = true
	case !ok:
		env = append(env, logLevelVar+"=1")
		changed = true
	}
	return env, changed
}

// lookupEnv is os.LookupEnv over a list of KEY=VALUE strings; the last one wins.
func lookupEnv(environ []string, key string) (string, bool) {
	for i := len(environ) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(environ[i], key+"="); ok {
			return v, true
		}
	}
	return "", false
}

func isTrue(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
