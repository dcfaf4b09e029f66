// Package tfgraph is hw1's training engine: it turns a declarative model spec into a
// TensorFlow graph through the C API (graft), keeps the data resident in the graph,
// trains with one session run per step, and offers what the experiments need beyond
// training: flat parameter vectors, checkpoints, exact Hessian-vector products and
// Hessians, Lanczos eigenvalues and input Jacobian norms.
//
// Two process-wide TensorFlow settings are made when the package is loaded: its oneDNN
// kernels are turned on (by re-executing the program with TF_ENABLE_ONEDNN_OPTS=1
// unless that variable is already set, before TensorFlow's library is initialised;
// see onednn.go and preinit.c), and every session gets thread
// pools of its own sized by its SessionConfig (TensorFlow otherwise sizes them once,
// from the first session of the process). BENCHMARKS.md at the repository root has
// the measurements behind both.
//
// The files follow the concepts: spec.go declares a model (Spec, Param, Check) and
// layers.go its layers, each of which checks its shapes, builds its own ops in its own
// sub-scope (fusing with the next layer where that is cheaper, as a convolution with a
// max-pooling) and draws its own initial parameters, which init.go puts together
// (InitialParams). model.go builds the graph and opens the session, split.go holds the
// data splits and the loss, optimizer.go the update rules (SGD, momentum, Adam) as
// values behind one interface, train.go the training step, evaluation and the one
// helper that sums a fetch over chunks of a split, second.go the second-order work and
// the input Jacobian, checkpoint.go checkpoints and .npy exports, tensor.go the
// conversions between Go slices and tensors.
package tfgraph
