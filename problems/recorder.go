package problems

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"hw1/problems/data"
	"hw1/problems/records"
)

// NoStep and NoEpoch fill the step and epoch cells of a row where they do not apply.
const NoStep = records.NoStep

// NoEpoch is the epoch of a row that belongs to no epoch.
var NoEpoch = math.NaN()

// Recorder writes a run's records and collects what its manifest says.
type Recorder struct {
	mu   sync.Mutex
	dir  string
	w    *records.Writer
	man  *records.Manifest
	rows int
	flat map[string]float64 // the keys of Summary, for problems not yet typed
	tb   *tensorBoard       // nil when the run writes no TensorBoard events
}

// Add appends one row with no seed (records.NoSeed): a row that belongs to no single
// training. It does not flush: call Flush at least once per epoch.
func (r *Recorder) Add(run, model, split string, step int, epoch float64, metric string, value float64) error {
	return r.AddRow(records.Row{Run: run, Model: model, Split: split, Step: step, Epoch: epoch, Metric: metric, Value: value})
}

// AddSeeded appends one row of the training that used seed. It does not flush.
func (r *Recorder) AddSeeded(run, model, split string, seed uint64, step int, epoch float64, metric string, value float64) error {
	return r.AddRow(records.Row{Run: run, Model: model, Split: split, Seed: records.SeedOf(seed), Step: step, Epoch: epoch, Metric: metric, Value: value})
}

// AddRow appends row as it is. It does not flush.
func (r *Recorder) AddRow(row records.Row) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows++
	if err := r.w.Write(row); err != nil || r.tb == nil {
		return err
	}
	return r.tb.add(row)
}

// Flush makes every row written so far durable, and visible in TensorBoard.
func (r *Recorder) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.w.Flush(); err != nil || r.tb == nil {
		return err
	}
	return r.tb.flush()
}

// Settings records a problem's settings in the manifest.
func (r *Recorder) Settings(s any) { r.man.Settings = settingsMap(s) }

// Seed records a seed the run used.
func (r *Recorder) Seed(seed uint64) { r.man.Seeds = append(r.man.Seeds, int64(seed)) }

// Dataset records the data the run used and how many examples of each split.
func (r *Recorder) Dataset(d *data.Dataset, train, test int) {
	r.man.Dataset = records.Dataset{Name: d.Name, Source: d.Source, Train: train, Test: test}
}

// DatasetPart adds d, of which the run used train training and test test examples, to
// the datasets of a run on several (1-2's tasks); the first one recorded by Dataset
// stays the run's headline dataset.
func (r *Recorder) DatasetPart(d *data.Dataset, train, test int) {
	r.man.Dataset.Parts = append(r.man.Dataset.Parts, records.Dataset{Name: d.Name, Source: d.Source, Train: train, Test: test})
}

// DatasetInfo records data that is not a data.Dataset (the 1-1 functions).
func (r *Recorder) DatasetInfo(name, source string, train, test int) {
	r.man.Dataset = records.Dataset{Name: name, Source: source, Train: train, Test: test}
}

// SetSummary stores v, the problem's typed summary (a struct, or a pointer to one), in
// the manifest as JSON (records.EncodeSummary); Answer reads it back with
// RunResult.DecodeSummary. A later call replaces it.
func (r *Recorder) SetSummary(v any) error {
	raw, err := records.EncodeSummary(v)
	if err != nil {
		return fmt.Errorf("problems: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.man.Summary, r.flat = raw, nil
	return nil
}

// Summary records one final number for the report under key, in the flat summary of
// problems that do not yet have a typed one; Answer reads it back with
// RunResult.Manifest.Flat. Do not mix it with SetSummary.
func (r *Recorder) Summary(key string, v float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.flat == nil {
		r.flat = map[string]float64{}
	}
	r.flat[key] = v
	r.man.SetFlatSummary(r.flat) // a map of numbers always encodes
}

// Note records a sentence for the report.
func (r *Recorder) Note(format string, args ...any) {
	r.man.Notes = append(r.man.Notes, fmt.Sprintf(format, args...))
}

// CheckpointPrefix returns the checkpoint path prefix of one model of a run.
func (r *Recorder) CheckpointPrefix(run, model string) string {
	return filepath.Join(r.dir, records.CheckpointsDir, safeName(run)+"--"+safeName(model), "ckpt")
}

// dropFrom rewrites the records without the rows of (run, model) whose epoch is after
// epoch or empty: a resumed training redoes them.
func (r *Recorder) dropFrom(run, model string, epoch float64) error {
	return r.dropRows(func(row records.Row) bool {
		return row.Run == run && row.Model == model && (math.IsNaN(row.Epoch) || row.Epoch > epoch)
	})
}

// dropSeedFrom is dropFrom for the rows of one seed of (run, model) only.
func (r *Recorder) dropSeedFrom(run, model string, seed records.Seed, epoch float64) error {
	return r.dropRows(func(row records.Row) bool {
		return row.Run == run && row.Model == model && row.Seed == seed && (math.IsNaN(row.Epoch) || row.Epoch > epoch)
	})
}

// dropRows rewrites the records without the rows for which drop returns true.
func (r *Recorder) dropRows(drop func(records.Row) bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	path := r.w.Path()
	if err := r.w.Close(); err != nil {
		return err
	}
	t, err := records.Read(path)
	if err != nil {
		return fmt.Errorf("problems: resuming: %w", err)
	}
	tmp := path + ".tmp"
	w, err := records.Create(tmp)
	if err != nil {
		return err
	}
	for _, row := range t {
		if drop(row) {
			continue
		}
		if err := w.Write(row); err != nil {
			w.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("problems: resuming: %w", err)
	}
	r.w, err = records.Open(path)
	return err
}

func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

// epochStats reads back the train and test loss and accuracy that fit recorded for
// (run, model, seed) at epoch in rows with the given step, for a resumed training that
// has no epochs left to run.
func (r *Recorder) epochStats(run, model string, seed records.Seed, epoch, step int) (EpochStats, error) {
	st := EpochStats{Epoch: epoch, TrainLoss: math.NaN(), TrainAcc: math.NaN(), TestLoss: math.NaN(), TestAcc: math.NaN()}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.w.Flush(); err != nil {
		return st, err
	}
	t, err := records.Read(r.w.Path())
	if err != nil {
		return st, fmt.Errorf("problems: resuming: %w", err)
	}
	for _, row := range t.Run(run).Model(model) {
		if row.Epoch != float64(epoch) || row.Step != step || row.Seed != seed {
			continue
		}
		st.set(row)
	}
	if math.IsNaN(st.TrainLoss) {
		return st, fmt.Errorf("problems: resuming %s %s: the records have no training loss for epoch %d", run, model, epoch)
	}
	return st, nil
}
