package data

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"testing"
)

// The digits written by scripts/make-digits.sh: per split, the class counts, the first
// labels, the sum of all pixel bytes and the SHA-256 of the pixel and label bytes.
var embeddedWant = []struct {
	split    string
	n        int
	counts   [10]int
	first    []int32
	byteSum  int64
	sha      string
	labelSHA string
}{
	{"train", 8000, [10]int{801, 902, 793, 826, 784, 690, 811, 856, 755, 782}, []int32{0, 1, 1, 7, 4, 9, 9, 6, 5, 4},
		210124257, "74e254a48815bdf6efa36ec9b844bb3f27019db1ef5f1f82a70bf26befd6482b",
		"a96c2c02b042a8792b85b5b13ad7175b5d1f363f4168fd545afb6a5f0cfdd039"},
	{"test", 2000, [10]int{200, 225, 198, 206, 196, 173, 203, 214, 189, 196}, []int32{5, 0, 9, 9, 2, 9, 9, 4, 6, 0},
		52022343, "4b87234c7ea3f9370447c72a9910dd729baea12adf784d3952d47979e616b5b8",
		"0698388c254fd1c23589bb8334bfa147bc466f475931495f96bf856b1807a437"},
}

func TestEmbedded(t *testing.T) {
	ds, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if ds.Name != "digits" || ds.Source != "embedded" {
		t.Fatalf("Name=%q Source=%q, want digits and embedded", ds.Name, ds.Source)
	}
	for _, want := range embeddedWant {
		t.Run(want.split, func(t *testing.T) {
			s := ds.Train
			if want.split == "test" {
				s = ds.Test
			}
			if s.N != want.n || len(s.Labels) != want.n || len(s.X) != want.n*784 {
				t.Fatalf("N=%d len(Labels)=%d len(X)=%d, want %d examples", s.N, len(s.Labels), len(s.X), want.n)
			}
			if s.Dim() != 784 || len(s.Shape) != 3 || s.Shape[0] != 28 || s.Shape[1] != 28 || s.Shape[2] != 1 || s.Classes != 10 {
				t.Fatalf("Shape=%v Classes=%d, want [28 28 1] and 10", s.Shape, s.Classes)
			}
			var counts [10]int
			for i, l := range s.Labels {
				if l < 0 || l > 9 {
					t.Fatalf("label %d at %d is outside 0..9", l, i)
				}
				counts[l]++
			}
			if counts != want.counts {
				t.Fatalf("class counts %v, want %v", counts, want.counts)
			}
			for i, l := range want.first {
				if s.Labels[i] != l {
					t.Fatalf("Labels[%d]=%d, want %d", i, s.Labels[i], l)
				}
			}
			// Every pixel is a byte/255; recover the bytes and check their sum and hash.
			pix := make([]byte, len(s.X))
			var sum int64
			for i, v := range s.X {
				b := math.Round(float64(v) * 255)
				if v < 0 || v > 1 || math.Abs(float64(v)*255-b) > 1e-4 {
					t.Fatalf("X[%d]=%v is not a byte/255 in [0,1]", i, v)
				}
				pix[i] = byte(b)
				sum += int64(b)
			}
			if sum != want.byteSum {
				t.Fatalf("pixel byte sum %d, want %d", sum, want.byteSum)
			}
			h := sha256.Sum256(pix)
			if got := hex.EncodeToString(h[:]); got != want.sha {
				t.Fatalf("pixel sha256 %s, want %s", got, want.sha)
			}
			lb := make([]byte, len(s.Labels))
			for i, l := range s.Labels {
				lb[i] = byte(l)
			}
			if h := sha256.Sum256(lb); hex.EncodeToString(h[:]) != want.labelSHA {
				t.Fatalf("label sha256 %x, want %s", h, want.labelSHA)
			}
		})
	}
}

func TestEmbeddedIsFreshCopy(t *testing.T) {
	a, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a.Train.X[0], a.Train.Labels[0] = 7, 7
	b, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if b.Train.X[0] != 0 || b.Train.Labels[0] != 0 {
		t.Fatalf("a second Embedded() sees the first caller's changes: X[0]=%v Labels[0]=%d", b.Train.X[0], b.Train.Labels[0])
	}
}
