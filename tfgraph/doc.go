// Package tfgraph is hw1's training engine: it turns a declarative model spec into a
// TensorFlow graph through the C API (graft), keeps the data resident in the graph,
// trains with one session run per step, and offers what the experiments need beyond
// training: flat parameter vectors, checkpoints, exact Hessian-vector products and
// Hessians, Lanczos eigenvalues and input Jacobian norms.
package tfgraph
