package problems

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"hw1/problems/records"
)

// errorer is the part of testing.T the helpers below use, so that their own test can
// watch them fail.
type errorer interface {
	Helper()
	Errorf(format string, args ...any)
}

// failures counts the errors reported to it.
type failures struct{ n int }

func (f *failures) Helper()               {}
func (f *failures) Errorf(string, ...any) { f.n++ }

// summaryValue returns sum[key], failing t when the key is missing or its value is NaN
// or infinite, so that a summary that was never written cannot pass as 0 or NaN.
func summaryValue(t errorer, sum map[string]float64, key string) float64 {
	t.Helper()
	v, ok := sum[key]
	switch {
	case !ok:
		t.Errorf("summary %s: missing", key)
	case math.IsNaN(v) || math.IsInf(v, 0):
		t.Errorf("summary %s: %v, want a finite number", key, v)
	}
	return v
}

// checkSummariesAgree fails t for each key whose values in got and want are not
// within tol of each other, relative to the larger magnitude or absolute below 1. A key
// missing from either map fails, and so does an infinite value. A NaN fails, except that
// with nanOK a NaN in want must be matched by a NaN in got.
func checkSummariesAgree(t errorer, got, want map[string]float64, keys []string, tol float64, nanOK bool) {
	t.Helper()
	if len(keys) == 0 {
		t.Errorf("no summary keys to compare")
	}
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok || !wok:
			t.Errorf("summary %s: present in resumed run %v, in uninterrupted run %v", k, gok, wok)
		case math.IsInf(g, 0) || math.IsInf(w, 0):
			t.Errorf("summary %s: resumed run %v, uninterrupted run %v: infinite", k, g, w)
		case math.IsNaN(g) || math.IsNaN(w):
			if !nanOK || !math.IsNaN(g) || !math.IsNaN(w) {
				t.Errorf("summary %s: resumed run %v, uninterrupted run %v: NaN", k, g, w)
			}
		case !scalar.EqualWithinAbsOrRel(g, w, tol, tol):
			t.Errorf("summary %s: resumed run %v, uninterrupted run %v (tolerance %g)", k, g, w, tol)
		}
	}
}

// TestSummaryHelpersFail checks that the helpers above fail on a missing key, NaN and
// infinity, and pass on values within the tolerance.
func TestSummaryHelpersFail(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, v := range []float64{nan, inf} {
		var f failures
		summaryValue(&f, map[string]float64{"a": v}, "a")
		summaryValue(&f, map[string]float64{}, "a")
		if f.n != 2 {
			t.Errorf("summaryValue of %v and of a missing key: %d failures, want 2", v, f.n)
		}
	}
	cases := []struct {
		name      string
		got, want map[string]float64
		nanOK     bool
		fail      bool
	}{
		{"equal", map[string]float64{"a": 1}, map[string]float64{"a": 1 + 1e-12}, false, false},
		{"different", map[string]float64{"a": 1}, map[string]float64{"a": 1.1}, false, true},
		{"missing from both", map[string]float64{}, map[string]float64{}, false, true},
		{"missing from got", map[string]float64{}, map[string]float64{"a": 0}, false, true},
		{"NaN in got", map[string]float64{"a": nan}, map[string]float64{"a": 1}, true, true},
		{"NaN in want", map[string]float64{"a": 1}, map[string]float64{"a": nan}, true, true},
		{"NaN in both, not allowed", map[string]float64{"a": nan}, map[string]float64{"a": nan}, false, true},
		{"NaN in both, allowed", map[string]float64{"a": nan}, map[string]float64{"a": nan}, true, false},
		{"infinity in both", map[string]float64{"a": inf}, map[string]float64{"a": inf}, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var f failures
			checkSummariesAgree(&f, c.got, c.want, []string{"a"}, 1e-9, c.nanOK)
			if failed := f.n > 0; failed != c.fail {
				t.Errorf("failed %v, want %v", failed, c.fail)
			}
		})
	}
}

// TestFinalsOf checks that finalsOf estimates each of a model's four final
// measurements from its own values: the slices differ in length and mean, so a mix-up
// shows in n or in the mean.
func TestFinalsOf(t *testing.T) {
	trainAcc, testAcc := []float64{0.9, 0.8}, []float64{0.7, 0.6, 0.5}
	trainLoss, testLoss := []float64{1.5}, []float64{2, 4, 6, 8}
	f := finalsOf(trainAcc, testAcc, trainLoss, testLoss)
	cases := []struct {
		name string
		got  records.Estimate
		n    int
		mean float64
	}{
		{"train accuracy", f.TrainAccuracy, 2, 0.85},
		{"test accuracy", f.TestAccuracy, 3, 0.6},
		{"train loss", f.TrainLoss, 1, 1.5},
		{"test loss", f.TestLoss, 4, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got.N != c.n || !scalar.EqualWithinAbs(c.got.Mean, c.mean, 1e-12) {
				t.Errorf("n %d, mean %v; want n %d, mean %v", c.got.N, c.got.Mean, c.n, c.mean)
			}
		})
	}
}

// TestSharedKeys checks that every summary or row embedding finals or sizes writes
// their keys flat among its own, together and in one order.
func TestSharedKeys(t *testing.T) {
	finalKeys := []string{"train_accuracy", "test_accuracy", "train_loss", "test_loss"}
	sizeKeys := []string{"train_examples", "test_examples", "params"}
	cases := []struct {
		name string
		v    any
		want []string
	}{
		{"1-2 model", model12{}, finalKeys},
		{"3-1 labelling", labelling31{}, finalKeys},
		{"3-2 model", model32{}, finalKeys},
		{"3-3 batch", batch33{}, finalKeys},
		{"2-1 summary", summary21{}, sizeKeys},
		{"3-3 summary", summary33{}, sizeKeys},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			keys, err := summaryKeys(c.v)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.Index(keys, c.want[0])
			if i < 0 || i+len(c.want) > len(keys) || !slices.Equal(keys[i:i+len(c.want)], c.want) {
				t.Errorf("keys %v, want %v together in this order", keys, c.want)
			}
		})
	}
}

// summaryKeys returns the keys of v, encoded as a typed summary is, in the order they
// are written.
func summaryKeys(v any) ([]string, error) {
	raw, err := records.EncodeSummary(v)
	if err != nil {
		return nil, err
	}
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the opening brace
		return nil, err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
