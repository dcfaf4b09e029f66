package tfgraph

import (
	"errors"
	"flag"
	"fmt"
	"testing"

	"hw1/problems/data"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// The workloads of BenchmarkCompare are the ones scripts/bench.sh also runs in Keras
// (scripts/bench/keras_bench.py) and PyTorch (scripts/bench/torch_bench.py): the same
// models, data, batch sizes and optimizer (Adam at 1e-3). One benchmark iteration is
// one unit of work that the three implementations share:
//
//	tiny      one epoch of the 1-1 DNN (1-9x7-1 tanh, MSE) over 6,400 sinc points at
//	          batch 64: 100 steps
//	cnn       one epoch of the seed CNN over the 8,000 embedded training digits at
//	          batch 128: 63 steps
//	dnn       one epoch of a 784-1024-256-10 ReLU DNN (1.07M parameters) over the same
//	          digits at batch 128
//	hessian   the full Hessian (141x141, float64) of the 2-2 model, 1-10-10-1 tanh, on
//	          128 sinc points
//	jacobian  the mean Frobenius norm of d softmax / d input of the 3-3 model,
//	          784-256-256-10 ReLU, over the 2,000 embedded test digits
//	matmul    one fp32 2048x2048x2048 matrix product
//	lanczos   20 Lanczos iterations (20 exact Hessian-vector products of the full
//	          training loss, full reorthogonalisation) on 3-3's full-profile MLP,
//	          784-256-256-10 ReLU (269,322 parameters, float32), over the 8,000
//	          embedded training digits
//	surface   a 21x21 loss surface of 2-1's MLP, 784-15-30-10 ReLU (12,565
//	          parameters): training and test loss and accuracy at 441 points of a
//	          plane, over the 8,000 training and 2,000 test digits
//
// Each workload runs at two thread settings: threadsN for the comparison (N from
// -bench.threads, 2 by default: intra-op N and inter-op min(N, 2) threads, as
// hw1 --threads N sets them), and auto (SessionConfig zero value: New's own choice). Each reports its rate with b.ReportMetric. A warm-up unit
// runs before the timer starts.
//
//	go test -run '^$' -bench 'Compare/cnn/' -benchtime 3x ./tfgraph/
func BenchmarkCompare(b *testing.B) {
	settings := []struct {
		name string
		sc   SessionConfig
	}{
		{fmt.Sprintf("threads%d", *benchThreads), SessionConfig{Device: "cpu", IntraOpThreads: *benchThreads, InterOpThreads: min(*benchThreads, 2)}},
		{"auto", SessionConfig{Device: "cpu"}},
	}
	workloads := []struct {
		name string
		run  func(b *testing.B, sc SessionConfig)
	}{
		{"tiny", compareTiny},
		{"cnn", func(b *testing.B, sc SessionConfig) { compareDigits(b, seedCNN, sc) }},
		{"dnn", func(b *testing.B, sc SessionConfig) { compareDigits(b, dnn1M, sc) }},
		{"hessian", compareHessian},
		{"jacobian", compareJacobian},
		{"matmul", func(b *testing.B, sc SessionConfig) { benchMatMul(b, 2048, sc) }},
		{"lanczos", compareLanczos},
		{"surface", compareSurface},
	}
	for _, w := range workloads {
		b.Run(w.name, func(b *testing.B) {
			for _, s := range settings {
				b.Run(s.name, func(b *testing.B) { w.run(b, s.sc) })
			}
		})
	}
}

// benchThreads is the intra-op thread count of the comparison setting.
var benchThreads = flag.Int("bench.threads", 2, "intra-op threads of BenchmarkCompare's threadsN setting")

// dnn1M is the DNN of workload (c): 784-1024-256-10 ReLU, 1,068,810 parameters.
var dnn1M = MLP("dnn-1m", 784, []int{1024, 256}, 10, ReLU, CrossEntropy)

const (
	tinyPoints = 6400
	tinyBatch  = 64
	cnnBatch   = 128
)

// errStop ends a TrainEpoch early.
var errStop = errors.New("stop")

// trainEpochs times b.N epochs of m at batch batch after one untimed epoch, and
// reports steps/s and examples/s.
func trainEpochs(b *testing.B, m *Model, batch int) {
	if _, err := m.TrainEpoch(batch, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	steps := 0
	for i := 0; i < b.N; i++ {
		r, err := m.TrainEpoch(batch, nil)
		if err != nil {
			b.Fatal(err)
		}
		steps += r.Steps
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(steps)/sec, "steps/s")
	b.ReportMetric(float64(b.N*m.N(Train))/sec, "examples/s")
}

func compareTiny(b *testing.B, sc SessionConfig) {
	x, y, err := data.Function("sinc", tinyPoints, -1, 1)
	if err != nil {
		b.Fatal(err)
	}
	d := &Data{X: x, Shape: []int{1}, Targets: y}
	spec := MLP("tiny", 1, []int{9, 9, 9, 9, 9, 9, 9}, 1, Tanh, MSE)
	m, err := New(spec, d, nil, Config{Seed: 1, Session: sc, Optimizer: Optimizer{Kind: Adam}})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	trainEpochs(b, m, tinyBatch)
}

// digits returns the embedded digits as model data.
func digits(b *testing.B) (train, test *Data) {
	ds, err := data.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	conv := func(s *data.Set) *Data { return &Data{X: s.X, Shape: s.Shape, Labels: s.Labels} }
	return conv(ds.Train), conv(ds.Test)
}

func compareDigits(b *testing.B, spec Spec, sc SessionConfig) {
	train, _ := digits(b)
	m, err := New(spec, train, nil, Config{Seed: 1, Session: sc, Optimizer: Optimizer{Kind: Adam}})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	trainEpochs(b, m, cnnBatch)
}

func compareHessian(b *testing.B, sc SessionConfig) {
	x, y, err := data.Function("sinc", 128, -1, 1)
	if err != nil {
		b.Fatal(err)
	}
	spec := MLP("h22", 1, []int{10, 10}, 1, Tanh, MSE)
	m, err := New(spec, &Data{X: x, Shape: []int{1}, Targets: y}, nil, Config{Seed: 1, DType: Float64, SecondOrder: true, Session: sc})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Hessian(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Hessian(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hessians/s")
}

func compareJacobian(b *testing.B, sc SessionConfig) {
	train, test := digits(b)
	spec := MLP("j33", 784, []int{256, 256}, 10, ReLU, CrossEntropy)
	m, err := New(spec, train, test, Config{Seed: 1, Session: sc})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	if _, err := m.JacobianNorm(Test, 0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.JacobianNorm(Test, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*m.N(Test))/b.Elapsed().Seconds(), "examples/s")
}

// benchMatMul measures the sustained rate of an fp32 n×n×n matrix product through the
// same TensorFlow library and session path as the models: C = A·B on resource
// variables, assigned to a third variable so that nothing is copied out per run.
func benchMatMul(b *testing.B, n int, sc SessionConfig) {
	s := op.NewScope()
	shape := tf.MakeShape(int64(n), int64(n))
	va := op.VarHandleOp(s.SubScope("a"), tf.Float, shape, op.VarHandleOpSharedName("a"))
	vb := op.VarHandleOp(s.SubScope("b"), tf.Float, shape, op.VarHandleOpSharedName("b"))
	vc := op.VarHandleOp(s.SubScope("c"), tf.Float, shape, op.VarHandleOpSharedName("c"))
	in := op.Placeholder(s.SubScope("in"), tf.Float, op.PlaceholderShape(shape))
	initA := op.AssignVariableOp(s.SubScope("init_a"), va, in)
	initB := op.AssignVariableOp(s.SubScope("init_b"), vb, in)
	prodAB := op.MatMul(s.SubScope("MatMul"), op.ReadVariableOp(s.SubScope("read_a"), va, tf.Float), op.ReadVariableOp(s.SubScope("read_b"), vb, tf.Float))
	step := op.AssignVariableOp(s.SubScope("assign_c"), vc, prodAB)
	g, err := s.Finalize()
	if err != nil {
		b.Fatal(err)
	}
	sess, err := NewSession(g, sc)
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	vals := make([]float32, n*n)
	for i := range vals {
		vals[i] = float32(i%17)/17 - 0.5
	}
	t, err := tf.NewTensor(vals)
	if err != nil {
		b.Fatal(err)
	}
	if err := t.Reshape([]int64{int64(n), int64(n)}); err != nil {
		b.Fatal(err)
	}
	for _, o := range []*tf.Operation{initA, initB} {
		if _, err := sess.Run(map[tf.Output]*tf.Tensor{in: t}, nil, []*tf.Operation{o}); err != nil {
			b.Fatal(err)
		}
	}
	run := func() {
		if _, err := sess.Run(nil, nil, []*tf.Operation{step}); err != nil {
			b.Fatal(err)
		}
	}
	run()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
	b.StopTimer()
	flops := 2 * float64(n) * float64(n) * float64(n)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
