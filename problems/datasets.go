package problems

import (
	"hw1/problems/data"
	"hw1/tfgraph"
)

// tensorData returns the engine's view of a classification split (no copy).
func tensorData(s *data.Set) *tfgraph.Data {
	return &tfgraph.Data{X: s.X, Shape: s.Shape, Labels: s.Labels}
}

// withLabels returns the engine's view of s with other labels.
func withLabels(s *data.Set, labels []int32) *tfgraph.Data {
	return &tfgraph.Data{X: s.X, Shape: s.Shape, Labels: labels}
}

// seedFor derives a reproducible seed for the i-th model or run of a problem.
func seedFor(base uint64, i int) uint64 { return base*1_000_003 + uint64(i)*7919 + 1 }
