package analysis

import "testing"

func TestSummarizeCurveAgainstNumpy(t *testing.T) {
	eachCase(t, loadFixtures(t).Curve, func(t *testing.T, c curveFixture) {
		got := SummarizeCurve(c.V, c.Tail)
		want := Curve{Len: len(c.V), First: c.First, Peak: c.Peak, PeakIndex: c.PeakIndex, Tail: c.TailMean}
		if got.Len != want.Len || got.First != want.First || got.Peak != want.Peak || got.PeakIndex != want.PeakIndex || !near(got.Tail, want.Tail, 1e-14) {
			t.Errorf("SummarizeCurve = %+v, want %+v", got, want)
		}
	})
	if got := SummarizeCurve(nil, 3); got != (Curve{}) {
		t.Errorf("SummarizeCurve of nothing = %+v", got)
	}
}

func TestGridAgainstNumpy(t *testing.T) {
	eachCase(t, loadFixtures(t).Grid, func(t *testing.T, c gridFixture) {
		got := Grid(c.N, c.Lo, c.Hi, c.Extra...)
		nearSlice(t, "grid", got, c.Grid, 1e-15)
		if got[0] != c.Lo || got[len(got)-1] != c.Hi {
			t.Errorf("grid runs from %g to %g, want exactly %g to %g", got[0], got[len(got)-1], c.Lo, c.Hi)
		}
	})
	if Grid(1, 0, 1) != nil {
		t.Error("Grid of one point is not nil")
	}
}
