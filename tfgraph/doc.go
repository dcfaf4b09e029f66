// Package tfgraph is hw1's training engine: it turns a declarative model spec into a
// TensorFlow graph through the C API (graft), keeps the data resident in the graph,
// trains with one session run per step, and offers what the experiments need beyond
// training: flat parameter vectors, checkpoints, exact Hessian-vector products and
// Hessians, Lanczos eigenvalues and input Jacobian norms.
//
// Two process-wide TensorFlow settings are made when the package is loaded: its oneDNN
// kernels are turned on (by re-executing the program with TF_ENABLE_ONEDNN_OPTS=1
// unless that variable is already set; see onednn.go), and every session gets thread
// pools of its own sized by its SessionConfig (TensorFlow otherwise sizes them once,
// from the first session of the process). BENCHMARKS.md at the repository root has
// the measurements behind both.
package tfgraph
