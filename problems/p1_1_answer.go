package problems

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"hw1/problems/records"
)

// summary11 is the typed summary of problem 1-1.
type summary11 struct {
	// Seeds is the number of trainings per model and function; Epochs, Batch, Points
	// (training points) and Grid (prediction points) the budget and the data.
	Seeds  int `json:"seeds"`
	Epochs int `json:"epochs"`
	Batch  int `json:"batch"`
	Points int `json:"points"`
	Grid   int `json:"grid"`
	// PlateauFraction defines "past the plateau" (settings11.Plateau).
	PlateauFraction float64 `json:"plateau_fraction"`
	// Models lists every model with its size.
	Models []model11 `json:"models"`
	// Functions gives each target's constant-prediction MSE and plateau threshold.
	Functions []function11 `json:"functions"`
	// Fits has one entry per function and model.
	Fits []fitRow11 `json:"fits"`
	// Effects compares every deeper model with the shallowest, seed by seed, on the
	// final log10 training MSE.
	Effects []Effect `json:"effects"`
	// Orderings ranks the models by final log10 MSE on each function.
	Orderings []ordering11 `json:"orderings"`
}

type model11 struct {
	Model  string `json:"model"`
	Depth  int    `json:"depth"`
	Width  int    `json:"width"`
	Params int    `json:"params"`
}

type function11 struct {
	Function    string  `json:"function"`
	ConstantMSE float64 `json:"constant_mse"`
	Threshold   float64 `json:"plateau_threshold"`
}

type fitRow11 struct {
	Label       string           `json:"fit"`
	Function    string           `json:"function"`
	Model       string           `json:"model"`
	Log10MSE    records.Estimate `json:"log10_final_mse"`
	MedianMSE   float64          `json:"median_final_mse"`
	PastPlateau int              `json:"seeds_past_plateau"`
	PastShare   float64          `json:"share_past_plateau"`
	FinalMSE    []float64        `json:"final_mse"`
}

type ordering11 struct {
	Function string `json:"function"`
	Ordering
}

// fill computes the fits, effects and orderings from the final losses of every
// training; s.Functions must be filled first.
func (s *summary11) fill(fits []fit11) {
	threshold := map[string]float64{}
	for _, f := range s.Functions {
		threshold[f.Function] = f.Threshold
	}
	logs := map[string][]float64{}
	for _, f := range fits {
		lg := make([]float64, len(f.final))
		past := 0
		for i, v := range f.final {
			lg[i] = math.Log10(v)
			if v < threshold[f.fn] {
				past++
			}
		}
		logs[f.fn+"/"+f.model] = lg
		s.Fits = append(s.Fits, fitRow11{
			Label: f.fn + " " + f.model, Function: f.fn, Model: f.model,
			Log10MSE: records.NewEstimate(lg), MedianMSE: median(f.final),
			PastPlateau: past, PastShare: float64(past) / float64(len(f.final)), FinalMSE: f.final,
		})
	}
	for _, fn := range s.Functions {
		var names []string
		var vals [][]float64
		for _, m := range s.Models {
			names = append(names, m.Model)
			vals = append(vals, logs[fn.Function+"/"+m.Model])
		}
		s.Orderings = append(s.Orderings, ordering11{Function: fn.Function, Ordering: orderOf(names, vals)})
		for _, m := range s.Models[1:] {
			b := s.Models[0].Model
			s.Effects = append(s.Effects, namedEffect(m.Model, b, groupMeasure(fn.Function, "final log10 training MSE"),
				logs[fn.Function+"/"+m.Model], logs[fn.Function+"/"+b]))
		}
	}
}

// median returns the median of xs (NaN for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// answer11 reports, for each function, every model's final training MSE over seeds,
// how many seeds got past the plateau, each deeper model against the shallowest with
// its interval, and whether the ranking holds across seeds.
func answer11(res RunResult) string { return answerFrom(res, write11) }

// write11 writes the answer of 1-1 from its summary.
func write11(s *summary11, b *strings.Builder) {
	var counts []string
	for _, m := range s.Models {
		counts = append(counts, fmt.Sprintf("%s %d", m.Model, m.Params))
	}
	fmt.Fprintf(b, "%d seeds per model and function, %d epochs of batch %d on %d points (parameters: %s). ", s.Seeds, s.Epochs, s.Batch, s.Points, strings.Join(counts, ", "))
	fmt.Fprintf(b, "A training is past the plateau when its final training MSE is below %.2g times the MSE of the best constant prediction.\n\n", s.PlateauFraction)
	for fi, fn := range s.Functions {
		fmt.Fprintf(b, "On %s (plateau threshold MSE %.3g): ", fn.Function, fn.Threshold)
		var parts []string
		for _, f := range s.Fits {
			if f.Function == fn.Function {
				parts = append(parts, fmt.Sprintf("%s median MSE %.3g, log10 MSE %s, past the plateau in %d of %d", f.Model, f.MedianMSE, interval(f.Log10MSE, 3), f.PastPlateau, len(f.FinalMSE)))
			}
		}
		b.WriteString(strings.Join(parts, "; ") + ". ")
		for _, e := range groupEffects(s.Effects, fn.Function) {
			verdict := noClearDifference
			if m := better(e, true); m != "" {
				verdict = m + " fits better"
			}
			fmt.Fprintf(b, "%s minus %s, final log10 MSE: %s; %s is lower in %s seeds: %s. ", e.A, e.B, interval(e.Estimate, 2), e.A, ofSeeds(e.Lower, e.Estimate.N), verdict)
		}
		o := s.Orderings[fi]
		if o.Share == 1 {
			fmt.Fprintf(b, "Ranking by mean log10 MSE, lowest first: %s, the same in every seed.", strings.Join(o.Order, " < "))
		} else {
			fmt.Fprintf(b, "Ranking by mean log10 MSE, lowest first: %s; this ordering is not the same across seeds: it holds in %s seeds.", strings.Join(o.Order, " < "), ofSeeds(o.Share, o.Seeds))
		}
		b.WriteString("\n\n")
	}
}
