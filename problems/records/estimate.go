package records

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"hw1/problems/analysis"
)

// DefaultLevel is the confidence level of the intervals NewEstimate gives: 0.95.
const DefaultLevel = 0.95

// Estimate is an effect measured over several seeds: the mean and sample standard
// deviation of N values and the Student-t interval [Lo, Hi] of the mean at Level.
// SD, Lo and Hi are NaN for fewer than two values; all fields are NaN (N 0) for
// none. In JSON it is the object {"mean", "sd", "n", "lo", "hi", "level"} with NaN
// written as null, the form the report recognises and renders as
// "mean ± sd [lo, hi], n seeds".
type Estimate struct {
	Mean  float64 `json:"mean"`
	SD    float64 `json:"sd"`
	N     int     `json:"n"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Level float64 `json:"level"`
}

// NewEstimate returns the estimate of the mean of xs at DefaultLevel. NaN values are
// kept, so a run that diverged makes the estimate NaN rather than silently better.
func NewEstimate(xs []float64) Estimate {
	e := Estimate{Mean: analysis.Mean(xs), SD: analysis.StdDev(xs), N: len(xs), Lo: math.NaN(), Hi: math.NaN(), Level: DefaultLevel}
	if iv, err := analysis.TInterval(xs, DefaultLevel); err == nil {
		e.Lo, e.Hi = iv.Lo, iv.Hi
	}
	return e
}

// PairedDiff returns the estimate of the mean of a[i] - b[i]: the effect of going from
// b to a when a[i] and b[i] come from the same seed. It returns an error when the
// lengths differ.
func PairedDiff(a, b []float64) (Estimate, error) {
	if len(a) != len(b) {
		return Estimate{}, fmt.Errorf("records: paired difference of %d and %d values", len(a), len(b))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return NewEstimate(d), nil
}

// Share returns the fraction of the pairs (a[i], b[i]) for which holds is true, and
// the number of pairs; a pair with a NaN counts as not holding. It is NaN for no pairs.
func Share(a, b []float64, holds func(a, b float64) bool) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("records: share over %d and %d values", len(a), len(b))
	}
	if len(a) == 0 {
		return math.NaN(), nil
	}
	k := 0
	for i := range a {
		if !math.IsNaN(a[i]) && !math.IsNaN(b[i]) && holds(a[i], b[i]) {
			k++
		}
	}
	return float64(k) / float64(len(a)), nil
}

// Defined reports whether the estimate has a mean and an interval.
func (e Estimate) Defined() bool {
	return !math.IsNaN(e.Mean) && !math.IsNaN(e.Lo) && !math.IsNaN(e.Hi)
}

// Excludes reports whether the interval lies wholly above or below x.
func (e Estimate) Excludes(x float64) bool { return e.Defined() && (e.Lo > x || e.Hi < x) }

// String formats the estimate as "mean ± sd [lo, hi], n seeds" with four significant
// digits, or "mean, 1 seed" for a single value.
func (e Estimate) String() string { return e.Format(4) }

// Format is String with digits significant digits.
func (e Estimate) Format(digits int) string {
	f := func(v float64) string { return FormatSig(v, digits) }
	switch {
	case e.N == 0:
		return "no seeds"
	case e.N == 1:
		return f(e.Mean) + ", 1 seed"
	}
	return fmt.Sprintf("%s ± %s [%s, %s], %d seeds", f(e.Mean), f(e.SD), f(e.Lo), f(e.Hi), e.N)
}

// Interval formats the estimate as "mean [lo, hi], n seeds", the form answers use.
func (e Estimate) Interval(digits int) string { return e.Quote(digits, "", "seeds") }

// Quote formats the estimate as Interval does, with unit after the mean and noun
// naming what n counts: Quote(4, "%", "seeds") gives "97.88% [97.63, 98.13], 5 seeds",
// and Quote(3, "", "pairs") "14.4 [14.3, 14.5], 28 pairs". A single value is "mean
// unit, 1 seed" (noun without its final s), and no value "no seeds".
func (e Estimate) Quote(digits int, unit, noun string) string {
	f := func(v float64) string { return FormatSig(v, digits) }
	switch {
	case e.N == 0:
		return "no " + noun
	case e.N == 1:
		return f(e.Mean) + unit + ", 1 " + strings.TrimSuffix(noun, "s")
	}
	return fmt.Sprintf("%s%s [%s, %s], %d %s", f(e.Mean), unit, f(e.Lo), f(e.Hi), e.N, noun)
}

// FormatSig formats v with digits significant digits, without an exponent for
// magnitudes from 1e-4 to 1e6, and "NaN", "+Inf" or "-Inf" for non-finite values.
func FormatSig(v float64, digits int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e6) {
		return strconv.FormatFloat(v, 'e', digits-1, 64)
	}
	return strconv.FormatFloat(v, 'g', digits, 64)
}

// estimateJSON is the wire form of an Estimate: NaN is null.
type estimateJSON struct {
	Mean  *float64 `json:"mean"`
	SD    *float64 `json:"sd"`
	N     int      `json:"n"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
	Level *float64 `json:"level"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// MarshalJSON implements json.Marshaler, writing non-finite numbers as null.
func (e Estimate) MarshalJSON() ([]byte, error) {
	return json.Marshal(estimateJSON{finite(e.Mean), finite(e.SD), e.N, finite(e.Lo), finite(e.Hi), finite(e.Level)})
}

// UnmarshalJSON implements json.Unmarshaler, reading null as NaN.
func (e *Estimate) UnmarshalJSON(data []byte) error {
	var w estimateJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = Estimate{orNaN(w.Mean), orNaN(w.SD), w.N, orNaN(w.Lo), orNaN(w.Hi), orNaN(w.Level)}
	return nil
}
