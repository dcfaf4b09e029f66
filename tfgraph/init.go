package tfgraph

import (
	"fmt"
	"math/rand/v2"
)

// Init names a weight initialiser. Biases always start at zero.
type Init string

// The initialisers. Auto uses HeUniform for ReLU layers and GlorotUniform otherwise.
const (
	Auto          Init = ""
	GlorotUniform Init = "glorot"
	HeUniform     Init = "he"
)

// InitialParams draws the initial flat parameter vector of spec from seed: kernels
// uniform in ±sqrt(6/(fan_in+fan_out)) (Glorot) or ±sqrt(6/fan_in) (He), biases zero.
// The same seed gives the same vector bit for bit. An invalid spec or an unknown
// initialiser is an error.
func InitialParams(spec Spec, init Init, seed uint64) ([]float64, error) {
	if _, _, err := spec.Check(); err != nil {
		return nil, err
	}
	switch init {
	case Auto, GlorotUniform, HeUniform:
	default:
		return nil, fmt.Errorf("tfgraph: spec %q: unknown initialiser %q (want glorot, he or empty)", spec.Name, init)
	}
	rng := rand.New(rand.NewPCG(seed, 0x1a2b3c4d))
	var flat []float64
	in := spec.Input
	for _, l := range spec.Layers {
		flat = l.initial(flat, rng, init, l.paramShapes(in))
		in, _ = l.outShape(in)
	}
	return flat, nil
}
