package problems

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"hw1/problems/records"
)

// readTable flushes rec and reads back the records written to dir so far.
func readTable(rec *Recorder, dir string) (records.Table, error) {
	if err := rec.Flush(); err != nil {
		return nil, err
	}
	tab, err := records.Read(filepath.Join(dir, records.RecordsFile))
	if err != nil {
		return nil, fmt.Errorf("problems: %w", err)
	}
	return tab, nil
}

// readSeries returns, for each of metrics, the values of the rows of run, model and
// split written to dir so far, ordered by step.
func readSeries(rec *Recorder, dir, run, model, split string, metrics ...string) ([][]float64, error) {
	tab, err := readTable(rec, dir)
	if err != nil {
		return nil, err
	}
	rows := tab.Run(run).Model(model).Split(split)
	out := make([][]float64, len(metrics))
	for i, m := range metrics {
		out[i] = byStep(rows.Metric(m))
	}
	return out, nil
}

// byStep returns the values of rows ordered by step.
func byStep(rows records.Table) []float64 {
	rows = slices.Clone(rows)
	sort.Slice(rows, func(i, j int) bool { return rows[i].Step < rows[j].Step })
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r.Value
	}
	return out
}

// finishedUnits returns, for every run whose name starts with prefix and whose step-less rows of model
// hold all of metrics, those rows' values by metric; it drops the rows of the runs
// that are incomplete (a run killed while writing them), so that a resumed run redoes
// just those.
func finishedUnits(rec *Recorder, dir, model, prefix string, metrics []string) (map[string]map[string]float64, error) {
	tab, err := readTable(rec, dir)
	if err != nil {
		return nil, err
	}
	vals := completeUnits(tab, model, prefix, metrics)
	err = rec.dropRows(func(r records.Row) bool {
		_, ok := vals[r.Run]
		return unitRow(r, model, prefix) && !ok
	})
	return vals, err
}

// completeUnits returns, for every run of tab whose name starts with prefix and whose
// step-less rows of model hold all of metrics, those rows' values by metric.
func completeUnits(tab records.Table, model, prefix string, metrics []string) map[string]map[string]float64 {
	vals := map[string]map[string]float64{}
	for _, r := range tab {
		if unitRow(r, model, prefix) {
			if vals[r.Run] == nil {
				vals[r.Run] = map[string]float64{}
			}
			vals[r.Run][r.Metric] = r.Value
		}
	}
	for run, v := range vals {
		if len(v) != len(metrics) {
			delete(vals, run)
		}
	}
	return vals
}

// unitRow reports whether r is a step-less row of model in a run whose name starts
// with prefix.
func unitRow(r records.Row, model, prefix string) bool {
	return r.Model == model && strings.HasPrefix(r.Run, prefix) && !r.HasStep()
}

// lastEpochStats returns the loss and accuracy that fit recorded for the last epoch
// of one training, whose rows (of one run, model and seed) are rows; the test values
// are NaN when the training recorded none.
func lastEpochStats(rows records.Table) (EpochStats, error) {
	st := EpochStats{TrainLoss: math.NaN(), TrainAcc: math.NaN(), TestLoss: math.NaN(), TestAcc: math.NaN()}
	last := -1.0
	for _, r := range rows {
		if r.HasEpoch() && r.Split == records.SplitTrain && r.Metric == "loss" && r.Epoch > last {
			last = r.Epoch
		}
	}
	if last < 0 {
		return st, fmt.Errorf("problems: no recorded epoch")
	}
	st.Epoch = int(last)
	for _, r := range rows {
		if r.Epoch != last {
			continue
		}
		st.set(r)
	}
	return st, nil
}
