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

// init turns oneDNN on. TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, while its
// library is being loaded, before any Go code runs: setting the variable here is too
// late for this process, so init re-executes the program with it set (same binary,
// arguments and process id). A value already in the environment, such as
// TF_ENABLE_ONEDNN_OPTS=0, is left as it is and the process runs on.
func init() {
	if _, ok := os.LookupEnv(oneDNNVar); ok || runtime.GOOS != "linux" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		exe = "/proc/self/exe"
	}
	env := append(os.Environ(), oneDNNVar+"=1")
	if _, ok := os.LookupEnv("TF_CPP_MIN_LOG_LEVEL"); !ok {
		// TensorFlow announces oneDNN with an informational line while it loads.
		env = append(env, "TF_CPP_MIN_LOG_LEVEL=1")
	}
	// Exec returns only when it fails; the process then runs on without oneDNN.
	_ = syscall.Exec(exe, os.Args, env)
	os.Setenv(oneDNNVar, "0")
}

// OneDNN reports whether TensorFlow's oneDNN kernels are on in this process.
func OneDNN() bool {
	switch strings.ToLower(os.Getenv(oneDNNVar)) {
	case "1", "true":
		return true
	}
	return false
}
