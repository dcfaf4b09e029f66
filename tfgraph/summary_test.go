package tfgraph

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestSummaryWriterRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(18, 1))
	type write struct{ writer, n int }
	cases := []struct {
		name   string
		writes []write
	}{
		{"one writer", []write{{0, 50}}},
		{"a second writer appends", []write{{1, 20}, {2, 30}}},
	}
	var want []ScalarEvent
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, wr := range c.writes {
				w, err := NewSummaryWriter(dir)
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < wr.n; i++ {
					ev := ScalarEvent{Tag: "run/model/train/loss", Step: int64(len(want)), Value: float32(rng.NormFloat64() * 1e3)}
					if i%2 == 1 {
						ev.Tag = "run/model/test/accuracy"
					}
					if err := w.Scalar(ev.Tag, ev.Step, ev.Value); err != nil {
						t.Fatal(err)
					}
					want = append(want, ev)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Errorf("second Close: %v", err)
				}
				time.Sleep(time.Second) // event files are named by the second
			}
			got, err := ReadScalars(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("read %d scalars, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].Tag != want[i].Tag || got[i].Step != want[i].Step || math.Float32bits(got[i].Value) != math.Float32bits(want[i].Value) {
					t.Errorf("scalar %d is %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

func BenchmarkSummaryWriterScalar(b *testing.B) {
	w, err := NewSummaryWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	for i := 0; i < b.N; i++ {
		if err := w.Scalar("run/model/train/loss", int64(i), float32(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
}
