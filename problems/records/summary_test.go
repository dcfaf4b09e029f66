package records

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

type sampleModel struct {
	Name   string   `json:"name"`
	Params int      `json:"params"`
	Loss   Estimate `json:"loss"`
	Final  float64  `json:"final"`
	Hidden string   `json:"-"`
	Extra  []int    `json:"extra,omitempty"`
}

type embedded struct {
	Inner float64 `json:"inner"`
}

type sampleSummary struct {
	embedded
	Zeta   float64              `json:"zeta"`
	Alpha  float64              `json:"alpha"`
	Models []sampleModel        `json:"models"`
	ByName map[string]float64   `json:"by_name"`
	Ptr    *float64             `json:"ptr"`
	Nested map[string][]float64 `json:"nested"`
}

// TestEstimateAgainstHand checks NewEstimate on values whose mean, sd and t interval
// are computed by hand: 1, 2, 3 has mean 2, sd 1 and a 95% half-width of
// t(0.975, 2)/sqrt(3) = 4.302653/1.732051 = 2.484138.
func TestEstimateAgainstHand(t *testing.T) {
	for _, c := range []struct {
		name          string
		xs            []float64
		mean, sd, lo  float64
		hi            float64
		n             int
		str, interval string
		quote         string // Quote(3, "%", "pairs")
	}{
		{"three", []float64{1, 2, 3}, 2, 1, 2 - 2.484138, 2 + 2.484138, 3, "2 ± 1 [-0.4841, 4.484], 3 seeds", "2 [-0.484, 4.48], 3 seeds", "2% [-0.484, 4.48], 3 pairs"},
		{"one", []float64{5}, 5, math.NaN(), math.NaN(), math.NaN(), 1, "5, 1 seed", "5, 1 seed", "5%, 1 pair"},
		{"none", nil, math.NaN(), math.NaN(), math.NaN(), math.NaN(), 0, "no seeds", "no seeds", "no pairs"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := NewEstimate(c.xs)
			near := func(a, b float64) bool { return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= 1e-5 }
			if !near(e.Mean, c.mean) || !near(e.SD, c.sd) || !near(e.Lo, c.lo) || !near(e.Hi, c.hi) || e.N != c.n || e.Level != DefaultLevel {
				t.Errorf("NewEstimate(%v) = %+v", c.xs, e)
			}
			if got := e.String(); got != c.str {
				t.Errorf("String = %q, want %q", got, c.str)
			}
			if got := e.Interval(3); got != c.interval {
				t.Errorf("Interval = %q, want %q", got, c.interval)
			}
			if got := e.Quote(3, "%", "pairs"); got != c.quote {
				t.Errorf("Quote = %q, want %q", got, c.quote)
			}
			var back Estimate
			data, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			if !near(back.Mean, e.Mean) || !near(back.SD, e.SD) || !near(back.Lo, e.Lo) || back.N != e.N {
				t.Errorf("JSON %s read back as %+v, want %+v", data, back, e)
			}
		})
	}
}

func TestPairedDiffAndShare(t *testing.T) {
	a, b := []float64{3, 5, 4}, []float64{1, 2, 4}
	d, err := PairedDiff(a, b)
	if err != nil || math.Abs(d.Mean-5.0/3) > 1e-12 || d.N != 3 {
		t.Errorf("PairedDiff = %+v, %v; want mean 5/3 over 3", d, err)
	}
	if _, err := PairedDiff(a, b[:2]); err == nil || !strings.HasPrefix(err.Error(), "records: ") {
		t.Errorf("PairedDiff of unequal lengths: %v, want a records: error", err)
	}
	s, err := Share(a, b, func(x, y float64) bool { return x > y })
	if err != nil || math.Abs(s-2.0/3) > 1e-12 {
		t.Errorf("Share = %v, %v; want 2/3", s, err)
	}
	s, _ = Share([]float64{math.NaN()}, []float64{0}, func(x, y float64) bool { return true })
	if s != 0 {
		t.Errorf("Share with NaN = %v, want 0", s)
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	one := 1.5
	in := sampleSummary{
		embedded: embedded{Inner: math.NaN()},
		Zeta:     math.NaN(), Alpha: 2,
		Models: []sampleModel{
			{Name: "deep", Params: 10, Loss: NewEstimate([]float64{1, 2, 3}), Final: math.Inf(1), Hidden: "x"},
			{Name: "wide", Params: 12, Loss: NewEstimate([]float64{4}), Final: 0.5, Extra: []int{1}},
		},
		ByName: map[string]float64{"b": math.NaN(), "a": 1},
		Ptr:    &one,
		Nested: map[string][]float64{"k": {1, math.NaN()}},
	}
	raw, err := EncodeSummary(in)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(raw) {
		t.Fatalf("EncodeSummary wrote invalid JSON %s", raw)
	}
	s := string(raw)
	if strings.Index(s, `"zeta"`) > strings.Index(s, `"alpha"`) {
		t.Errorf("field order lost: %s", s)
	}
	if strings.Contains(s, "Hidden") || strings.Count(s, `"extra"`) != 1 {
		t.Errorf("tags not honoured: %s", s)
	}
	var out sampleSummary
	if err := DecodeSummary(raw, &out); err != nil {
		t.Fatal(err)
	}
	switch {
	case !strings.HasPrefix(string(raw), `{"inner":null,"zeta"`):
		t.Errorf("embedded struct not inlined: %s", raw)
	case !math.IsNaN(out.Inner) || !math.IsNaN(out.Zeta) || out.Alpha != 2:
		t.Errorf("scalars %v %v, want NaN 2", out.Zeta, out.Alpha)
	case len(out.Models) != 2 || !math.IsNaN(out.Models[0].Final) || out.Models[1].Final != 0.5:
		t.Errorf("models %+v", out.Models)
	case out.Models[0].Loss.Mean != 2 || !math.IsNaN(out.Models[1].Loss.SD):
		t.Errorf("estimates %+v %+v", out.Models[0].Loss, out.Models[1].Loss)
	case !math.IsNaN(out.ByName["b"]) || out.ByName["a"] != 1:
		t.Errorf("map %v", out.ByName)
	case out.Ptr == nil || *out.Ptr != 1.5:
		t.Errorf("pointer %v", out.Ptr)
	case len(out.Nested["k"]) != 2 || !math.IsNaN(out.Nested["k"][1]):
		t.Errorf("nested %v", out.Nested)
	}
}

func TestDecodeSummaryErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"absent", "", "no summary"},
		{"null", "null", "no summary"},
		{"unknown field", `{"alpha":1,"beta":2}`, `unknown field "beta"`},
		{"wrong type", `{"alpha":"x"}`, "cannot unmarshal string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out sampleSummary
			err := DecodeSummary(json.RawMessage(c.in), &out)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "records: ") {
				t.Errorf("DecodeSummary(%q) = %v, want an error containing %q", c.in, err, c.want)
			}
		})
	}
}

func TestFlatSummary(t *testing.T) {
	for _, c := range []struct {
		name string
		raw  string
		ok   bool
		n    int
	}{
		{"flat", `{"a/b":1,"c":null}`, true, 2},
		{"empty", ``, true, 0},
		{"typed", `{"models":[{"name":"x"}]}`, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &Manifest{Summary: json.RawMessage(c.raw)}
			flat, ok := m.FlatSummary()
			if ok != c.ok || len(flat) != c.n {
				t.Errorf("FlatSummary = %v, %v; want %d keys, %v", flat, ok, c.n, c.ok)
			}
			if c.name == "flat" && !math.IsNaN(flat["c"]) {
				t.Errorf("null read as %v, want NaN", flat["c"])
			}
		})
	}
}
