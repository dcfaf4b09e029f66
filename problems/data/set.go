package data

// Set is one split of a dataset: N examples of Shape, pixel values scaled to [0,1].
//
// X holds N*Dim() float32 values, example after example, each example row-major in
// NHWC order (height, width, channels). Labels holds N class indices in [0,Classes).
type Set struct {
	X       []float32
	Labels  []int32
	Shape   []int // per example, e.g. [28 28 1] or [32 32 3]
	N       int
	Classes int
}

// Dim returns the number of values per example, the product of Shape; it is 0 for an
// empty Shape.
func (s *Set) Dim() int {
	if len(s.Shape) == 0 {
		return 0
	}
	d := 1
	for _, v := range s.Shape {
		d *= v
	}
	return d
}

// Subset returns the first n examples of s. It shares X and Labels with s; Shape is
// copied. An n larger than N gives all N examples and a negative n gives none.
func (s *Set) Subset(n int) *Set {
	n = max(0, min(n, s.N))
	d := s.Dim()
	return &Set{
		X:       s.X[: n*d : n*d],
		Labels:  s.Labels[:n:n],
		Shape:   append([]int(nil), s.Shape...),
		N:       n,
		Classes: s.Classes,
	}
}

// Dataset is a named pair of training and test sets.
type Dataset struct {
	Name   string // "digits", "mnist", "fashion-mnist" or "cifar10"
	Source string // "embedded", or the directory the files were read from
	Train  *Set
	Test   *Set
}
