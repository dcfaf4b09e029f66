package tfgraph

import (
	"os"
	"runtime"
	"strings"
	"syscall"
)

// oneDNNVar is TensorFlow's switch for its oneDNN kernels. The official x86 Linux
// build turns them on by default only on CPUs with AVX-512 VNNI or newer; elsewhere
// (AVX2 machines, for instance) it runs the Eigen kernels it was compiled with, which
// use AVX but not FMA. With oneDNN, whose kernels are compiled for the CPU they run
// on, the seed CNN trains 2.3 times faster on a 2-core AVX2 machine (convolutions and
// their gradients, max-pooling), the 1M-parameter DNN about 10% faster, and a tiny DNN
// about 30% slower per step (oneDNN's per-op overhead); see BENCHMARKS.md.
const oneDNNVar = "TF_ENABLE_ONEDNN_OPTS"

// init turns oneDNN on and TensorFlow's informational log lines off (see startEnv).
// TensorFlow reads TF_ENABLE_ONEDNN_OPTS and TF_CPP_MIN_LOG_LEVEL while its library is
// being loaded, before any Go code runs: setting them here is too late for this
// process, so init re-executes the program with them set (same binary, arguments and
// process id). Values already in the environment, such as TF_ENABLE_ONEDNN_OPTS=0, are
// left as they are, except that --verbose lowers the log threshold to 0. TensorFlow
// may log while its library is initialised (oneDNN's announcement, on CPUs where it
// turns oneDNN on by itself), so the same re-execution is first made by preinit.c,
// before that library loads; init re-executes only when that one could not.
func init() {
	if runtime.GOOS != "linux" {
		return
	}
	env, changed := startEnv(os.Environ(), os.Args[1:])
	if !changed {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		exe = "/proc/self/exe"
	}
	// Exec returns only when it fails; the process then runs on without oneDNN.
	_ = syscall.Exec(exe, os.Args, env)
	if _, ok := os.LookupEnv(oneDNNVar); !ok {
		os.Setenv(oneDNNVar, "0")
	}
}

// OneDNN reports whether TensorFlow's oneDNN kernels are on in this process.
func OneDNN() bool {
	switch strings.ToLower(os.Getenv(oneDNNVar)) {
	case "1", "true":
		return true
	}
	return false
}
