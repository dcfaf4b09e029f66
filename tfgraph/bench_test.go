package tfgraph

import (
	"fmt"
	"testing"
)

// benchTiny measures training steps per second of the 1-1 sized DNN (1-9x7-1 tanh,
// 568 parameters) at batch 64.
func benchTiny(b *testing.B, sc SessionConfig) {
	data := regression(1024, 1, 1, sinSum)
	hidden := []int{9, 9, 9, 9, 9, 9, 9}
	m, err := New(MLP("tiny", 1, hidden, 1, Tanh, MSE), data, nil, Config{Seed: 1, Session: sc, Optimizer: Optimizer{Kind: Adam}})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	idx := make([]int32, 64)
	for i := range idx {
		idx[i] = int32(i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Step(idx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

func BenchmarkTinyDNNStep(b *testing.B) {
	for _, th := range []struct{ intra, inter int }{{1, 1}, {2, 1}, {2, 2}, {0, 0}} {
		b.Run(fmt.Sprintf("intra%d-inter%d", th.intra, th.inter), func(b *testing.B) {
			benchTiny(b, SessionConfig{Device: "cpu", IntraOpThreads: th.intra, InterOpThreads: th.inter})
		})
	}
}
