// Package data loads the datasets of the homework problems: the embedded default
// digits, full MNIST, Fashion-MNIST and CIFAR-10 from disk, and the 1-D target
// functions of problem 1-1.
//
// Images are returned as a Set: float32 pixels scaled to [0,1], row-major NHWC, with one
// int32 label per example. The default dataset is full MNIST when its files are present
// in the data directory (see DefaultDir) and otherwise the 10,000 real MNIST digits
// embedded in the binary, split 8,000 for training and 2,000 for testing.
//
// The readers accept the IDX format of MNIST and Fashion-MNIST (raw or gzip) and the
// binary format of CIFAR-10. They treat every file as untrusted: a file whose header
// disagrees with its length, whose sizes are absurd, whose gzip stream is truncated or
// whose labels are out of range gives an error that names the file, never a panic or
// an allocation larger than the file can justify.
//
// Fetch downloads the official files, verifies their SHA-256 sums and writes them
// atomically. The package uses no cgo and does not depend on TensorFlow.
package data
