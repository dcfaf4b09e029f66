package tfgraph

import (
	"fmt"
	"testing"
)

// benchTiny measures training steps per second of the 1-1 sized DNN (1-9x7-1 tanh,
// 568 parameters) at batch 64.
func benchTiny(b *testing.B, sc SessionConfig) {
	spec := MLP("tiny", 1, []int{9, 9, 9, 9, 9, 9, 9}, 1, Tanh, MSE)
	b.ReportMetric(benchSteps(b, spec, regression(1024, 1, 1, sinSum), 64, sc), "steps/s")
}

// benchSteps trains a model of spec on data with Adam, one step on the first batch
// examples per iteration, and returns the steps per second.
func benchSteps(b *testing.B, spec Spec, data *Data, batch int, sc SessionConfig) float64 {
	m, err := New(spec, data, nil, Config{Seed: 1, Session: sc, Optimizer: Optimizer{Kind: Adam}})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	idx := firstIndices(batch)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Step(idx); err != nil {
			b.Fatal(err)
		}
	}
	return float64(b.N) / b.Elapsed().Seconds()
}

func BenchmarkTinyDNNStep(b *testing.B) {
	for _, th := range []struct{ intra, inter int }{{1, 1}, {2, 1}, {2, 2}, {0, 0}} {
		b.Run(fmt.Sprintf("intra%d-inter%d", th.intra, th.inter), func(b *testing.B) {
			benchTiny(b, SessionConfig{Device: "cpu", IntraOpThreads: th.intra, InterOpThreads: th.inter})
		})
	}
}

// benchCNN measures training images per second of a CNN on MNIST-sized input.
func benchCNN(b *testing.B, spec Spec, batch int, sc SessionConfig) {
	data := classification(2048, []int{28, 28, 1}, 10, 1)
	b.ReportMetric(float64(batch)*benchSteps(b, spec, data, batch, sc), "images/s")
}

// SeedCNN is the report's CNN: 5x5 convolutions of 16 and 32 filters with max-pooling,
// dense 512-50-10.
var seedCNN = Spec{Name: "seed-cnn", Input: []int{28, 28, 1}, Layers: []Layer{
	Conv2D{Filters: 16, Kernel: 5, Activation: ReLU}, MaxPool2D{Size: 2},
	Conv2D{Filters: 32, Kernel: 5, Activation: ReLU}, MaxPool2D{Size: 2},
	Flatten{}, Dense{Units: 50, Activation: ReLU}, Dense{Units: 10},
}}

func BenchmarkSeedCNNTrain(b *testing.B) {
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads%d", th), func(b *testing.B) {
			benchCNN(b, seedCNN, 128, SessionConfig{Device: "cpu", IntraOpThreads: th, InterOpThreads: 1})
		})
	}
}
