package report

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"hw1/problems/records"
)

// TestTypedTables checks the generic rendering of typed summaries: scalars in a
// key-value table first, a table per list of objects titled by its path, estimates as
// "mean ± sd [lo, hi], n", null as "–".
func TestTypedTables(t *testing.T) {
	type model struct {
		Name   string           `json:"name"`
		Params int              `json:"params"`
		Loss   records.Estimate `json:"loss"`
		Extra  struct {
			Share float64 `json:"share"`
		} `json:"extra"`
	}
	type sum struct {
		Train  int     `json:"train"`
		Ratio  float64 `json:"ratio"`
		Effect records.Estimate
		Models []model   `json:"models"`
		Curve  []float64 `json:"curve"`
	}
	m1 := model{Name: "deep-7", Params: 571, Loss: records.NewEstimate([]float64{1, 2, 3})}
	m1.Extra.Share = 0.5
	m2 := model{Name: "shallow-1", Params: 601, Loss: records.NewEstimate([]float64{4})}
	render := func(ts []table) string { return renderTables(ts, true) }
	for _, c := range []struct {
		name string
		in   any
		want string
	}{
		{"typed", sum{Train: 8000, Ratio: math.NaN(), Effect: records.NewEstimate([]float64{1, 2, 3}), Models: []model{m1, m2}, Curve: []float64{1, 2}},
			"#key|value: train=8000 ratio=– Effect=2 ± 1 [-0.4841, 4.484], n 3 curve=1, 2\n" +
				"models#name|params|loss|extra/share: deep-7=571;2 ± 1 [-0.4841, 4.484], n 3;0.5 shallow-1=601;4, n 1;0"},
		{"nested list", map[string]any{"grid": [][]float64{{1, 2}, {3}}}, "#key|value: grid/0=1, 2 grid/1=3"},
		{"flat", map[string]float64{"b": 1, "a": math.NaN()}, "#key|value: a=– b=1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, err := records.EncodeSummary(c.in)
			if err != nil {
				t.Fatal(err)
			}
			ts, err := typedTables(raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(ts); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
	if _, err := typedTables(json.RawMessage(`{"a":1}{}`)); err == nil || !strings.HasPrefix(err.Error(), "report: ") {
		t.Errorf("trailing data: %v, want a report: error", err)
	}
}

// TestManifestTablesChoosesForm checks that a flat summary keeps the key-path tables
// and a typed one gets the generic tables.
func TestManifestTablesChoosesForm(t *testing.T) {
	flat := &records.Manifest{Summary: json.RawMessage(`{"digits/a/x":1,"digits/a/y":2,"digits/b/x":3,"digits/b/y":4}`)}
	ts, err := manifestTables(flat)
	if err != nil || len(ts) != 1 || len(ts[0].Rows) != 2 || ts[0].Title != "" {
		t.Errorf("flat summary gave %+v, %v; want one pivoted table of 2 rows", ts, err)
	}
	typed := &records.Manifest{Summary: json.RawMessage(`{"models":[{"name":"a","x":1},{"name":"b","x":2}]}`)}
	ts, err = manifestTables(typed)
	if err != nil || len(ts) != 1 || ts[0].Title != "models" || ts[0].Corner != "name" || len(ts[0].Rows) != 2 {
		t.Errorf("typed summary gave %+v, %v; want the models table", ts, err)
	}
}
