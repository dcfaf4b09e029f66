package problems

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// tensorBoard mirrors the rows of a run's records into TensorBoard event files under
// <dir>/tensorboard/, written by TensorFlow's own summary kernels (tfgraph's
// SummaryWriter). Every series of records.csv becomes one scalar tag (see ScalarTag)
// at its step (see ScalarStep). A resumed run opens a new event file beside the old
// ones and skips the (tag, step) pairs they already hold, so that no step appears
// twice.
type tensorBoard struct {
	w    *tfgraph.SummaryWriter
	seen map[tagStep]bool
}

type tagStep struct {
	tag  string
	step int64
}

// openTensorBoard opens the event files of the run in dir, remembering the scalars
// that earlier runs in dir wrote.
func openTensorBoard(dir string) (*tensorBoard, error) {
	tbDir := filepath.Join(dir, records.TensorBoardDir)
	old, err := tfgraph.ReadScalars(tbDir)
	if err != nil {
		return nil, fmt.Errorf("problems: tensorboard: %w", err)
	}
	tb := &tensorBoard{seen: make(map[tagStep]bool, len(old))}
	for _, ev := range old {
		tb.seen[tagStep{ev.Tag, ev.Step}] = true
	}
	if tb.w, err = tfgraph.NewSummaryWriter(tbDir); err != nil {
		return nil, fmt.Errorf("problems: tensorboard: %w", err)
	}
	return tb, nil
}

// add queues row as a scalar, unless its tag already has a value at its step.
func (tb *tensorBoard) add(row records.Row) error {
	k := tagStep{ScalarTag(row), ScalarStep(row)}
	if tb.seen[k] {
		return nil
	}
	tb.seen[k] = true
	return tb.w.Scalar(k.tag, k.step, float32(row.Value))
}

// flush writes the queued scalars to the event file.
func (tb *tensorBoard) flush() error { return tb.w.Flush() }

// close writes the queued scalars and closes the event file.
func (tb *tensorBoard) close() error { return tb.w.Close() }

// ScalarTag returns the TensorBoard tag of a row's series: run/model/split/metric,
// without the split when it is empty, and with seed-<seed> after the model when the
// row carries a seed ("sinc/depth-2/seed-7/train/loss").
func ScalarTag(row records.Row) string {
	parts := []string{row.Run, row.Model}
	if s, ok := row.Seed.Get(); ok {
		parts = append(parts, fmt.Sprintf("seed-%d", s))
	}
	if row.Split != "" {
		parts = append(parts, row.Split)
	}
	return strings.Join(append(parts, row.Metric), "/")
}

// ScalarStep returns the TensorBoard step of a row: its step, else its epoch rounded
// down, else 0 (a row that belongs to no step or epoch, such as a final summary).
func ScalarStep(row records.Row) int64 {
	switch {
	case row.HasStep():
		return int64(row.Step)
	case row.HasEpoch():
		return int64(math.Floor(row.Epoch))
	}
	return 0
}
