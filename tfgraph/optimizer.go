package tfgraph

import (
	"fmt"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// OptimizerKind names an update rule.
type OptimizerKind string

// The optimizers, each a TensorFlow ResourceApply* kernel.
const (
	SGD      OptimizerKind = "sgd"
	Momentum OptimizerKind = "momentum"
	Adam     OptimizerKind = "adam"
)

// ParseOptimizer returns the OptimizerKind named s (case-insensitive).
func ParseOptimizer(s string) (OptimizerKind, error) {
	switch k := OptimizerKind(strings.ToLower(s)); k {
	case SGD, Momentum, Adam:
		return k, nil
	}
	return "", fmt.Errorf("tfgraph: unknown optimizer %q (want sgd, momentum or adam)", s)
}

// Optimizer configures the update rule. Zero fields take the defaults given.
type Optimizer struct {
	// Kind is the update rule; empty means SGD.
	Kind OptimizerKind
	// LearningRate is the initial step size; 0 means 0.01 for SGD and momentum and
	// 0.001 for Adam. It can be changed between steps with Model.SetLearningRate.
	LearningRate float64
	// Momentum is the momentum coefficient; 0 means 0.9.
	Momentum float64
	// Beta1, Beta2 and Epsilon are Adam's constants; 0 means 0.9, 0.999 and 1e-7.
	Beta1, Beta2, Epsilon float64
}

func (o Optimizer) withDefaults() Optimizer {
	if o.Kind == "" {
		o.Kind = SGD
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.01
		if o.Kind == Adam {
			o.LearningRate = 0.001
		}
	}
	if o.Momentum == 0 {
		o.Momentum = 0.9
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Epsilon == 0 {
		o.Epsilon = 1e-7
	}
	return o
}

// updateRule is an optimizer as a value: it builds the ops that apply one step's
// gradients to the parameter variables.
type updateRule interface {
	// updates returns one op per variable of u that applies its gradient, built in
	// scope s, each variable's in a sub-scope named after it.
	updates(s *op.Scope, u updateInputs) []*tf.Operation
}

// updateInputs is what an update rule builds on.
type updateInputs struct {
	builder
	lr    tf.Output  // the learning rate
	next  tf.Output  // the step count after this step, in the model's float type
	vars  []variable // the parameter variables
	grads []tf.Output
	// slot creates an optimizer slot variable shaped like v, zeroed with the model.
	slot func(v variable, name string) variable
}

// rule returns the update rule of o, whose zero fields must have been defaulted.
func (o Optimizer) rule() (updateRule, error) {
	switch o.Kind {
	case SGD:
		return sgdRule{}, nil
	case Momentum:
		return momentumRule{momentum: o.Momentum}, nil
	case Adam:
		return adamRule{beta1: o.Beta1, beta2: o.Beta2, epsilon: o.Epsilon}, nil
	}
	return nil, fmt.Errorf("tfgraph: unknown optimizer %q", o.Kind)
}

// sgdRule is plain gradient descent: θ -= lr·g.
type sgdRule struct{}

func (sgdRule) updates(s *op.Scope, u updateInputs) []*tf.Operation {
	ops := make([]*tf.Operation, len(u.vars))
	for i, v := range u.vars {
		vs := s.SubScope(v.name)
		ops[i] = op.ResourceApplyGradientDescent(vs.SubScope("ResourceApplyGradientDescent"), v.handle, u.lr, u.grads[i])
	}
	return ops
}

// momentumRule is gradient descent with momentum: a = μ·a + g, θ -= lr·a, with one
// slot variable "momentum" per parameter.
type momentumRule struct{ momentum float64 }

func (r momentumRule) updates(s *op.Scope, u updateInputs) []*tf.Operation {
	ops := make([]*tf.Operation, len(u.vars))
	for i, v := range u.vars {
		vs := s.SubScope(v.name)
		acc := u.slot(v, "momentum")
		ops[i] = op.ResourceApplyMomentum(vs.SubScope("ResourceApplyMomentum"), v.handle, acc.handle, u.lr, u.grads[i], u.scalar(vs, r.momentum))
	}
	return ops
}

// adamRule is Adam, with slot variables "m" and "v" per parameter and the bias
// corrections β₁ᵗ and β₂ᵗ computed from the step counter.
type adamRule struct{ beta1, beta2, epsilon float64 }

func (r adamRule) updates(s *op.Scope, u updateInputs) []*tf.Operation {
	// The bias corrections β^t are shared by every variable's update.
	b1p := op.Pow(s.SubScope("beta1_power"), u.scalar(s, r.beta1), u.next)
	b2p := op.Pow(s.SubScope("beta2_power"), u.scalar(s, r.beta2), u.next)
	ops := make([]*tf.Operation, len(u.vars))
	for i, v := range u.vars {
		vs := s.SubScope(v.name)
		mv, vv := u.slot(v, "m"), u.slot(v, "v")
		ops[i] = op.ResourceApplyAdam(vs.SubScope("ResourceApplyAdam"), v.handle, mv.handle, vv.handle, b1p, b2p, u.lr,
			u.scalar(vs, r.beta1), u.scalar(vs, r.beta2), u.scalar(vs, r.epsilon), u.grads[i])
	}
	return ops
}
