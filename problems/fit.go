package problems

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// EpochStats is what fit measured at the end of one epoch.
type EpochStats struct {
	Epoch               int
	TrainLoss, TrainAcc float64
	TestLoss, TestAcc   float64 // NaN unless fitOptions.EvalTest
	Steps               int64
}

// set takes row's value when it is one of the four measurements of EpochStats: the
// training or test loss or accuracy. Other rows leave st as it is.
func (st *EpochStats) set(row records.Row) {
	switch row.Split + "/" + row.Metric {
	case "train/loss":
		st.TrainLoss = row.Value
	case "train/accuracy":
		st.TrainAcc = row.Value
	case "test/loss":
		st.TestLoss = row.Value
	case "test/accuracy":
		st.TestAcc = row.Value
	}
}

// fitOptions configures fit. Zero values take the defaults given.
type fitOptions struct {
	// Run and Model key the records of this training.
	Run, Model string
	// Seed fills the seed cell of every row of this training, and keeps the
	// checkpoints of several seeds of one (Run, Model) apart; records.NoSeed (the zero
	// value) leaves the cell empty.
	Seed records.Seed
	// Epochs is the budget; Batch the batch size (0 means the whole training set).
	Epochs, Batch int
	// EvalTrain evaluates the whole training set after each recorded epoch; without it
	// the training loss and accuracy are the means over the epoch's steps.
	EvalTrain bool
	// EvalTest evaluates the whole test set after each recorded epoch.
	EvalTest bool
	// Every records one epoch in Every (0 means 1); the last epoch is always recorded.
	Every int
	// StepRun, when not empty, records the loss and gradient norm of every iteration
	// under that run name (split train, step = iteration).
	StepRun string
	// StepOf gives the step cell of the train and test rows of a recorded epoch; nil
	// means the epoch itself.
	StepOf func(epoch int) int
	// Until stops training early when it returns true for a recorded epoch.
	Until func(EpochStats) bool
	// OnEpoch is called after each recorded epoch's rows are written.
	OnEpoch func(EpochStats) error
	// LR, when not nil, gives the learning rate of each epoch (1-based).
	LR func(epoch int) float64
	// CheckpointEvery is the least wall time between two checkpoints; 0 means 10s.
	// The last epoch is always checkpointed.
	CheckpointEvery time.Duration
}

// fit trains m for o.Epochs epochs, writing loss and accuracy rows (run, model, split
// train/test, epoch) and flushing them every recorded epoch, checkpointing so that a
// resumed run continues where this one stopped. A cancelled ctx stops training at the
// next step; a diverging loss stops it with a *tfgraph.DivergenceError.
func fit(ctx context.Context, env *Env, rec *Recorder, m *tfgraph.Model, o fitOptions) (EpochStats, error) {
	every := max(o.Every, 1)
	ckptEvery := o.CheckpointEvery
	if ckptEvery == 0 {
		ckptEvery = 10 * time.Second
	}
	prefix := rec.CheckpointPrefix(o.Run, o.Model)
	if v, ok := o.Seed.Get(); ok {
		prefix = rec.CheckpointPrefix(o.Run, fmt.Sprintf("%s-seed-%d", o.Model, v))
	}
	last := EpochStats{TestLoss: math.NaN(), TestAcc: math.NaN()}
	start := 1
	if env.Resume {
		done, stopped, err := restore(m, prefix)
		if err != nil {
			return last, err
		}
		if stopped {
			// Until had stopped this training: it is finished.
			o.Epochs = done
		}
		// Rows written after the checkpoint, or by an attempt killed before its first
		// checkpoint, are redone.
		if err := rec.dropSeedFrom(o.Run, o.Model, o.Seed, float64(done)); err != nil {
			return last, err
		}
		if o.StepRun != "" && o.StepRun != o.Run {
			if err := rec.dropSeedFrom(o.StepRun, o.Model, o.Seed, float64(done)); err != nil {
				return last, err
			}
		}
		if done > 0 {
			env.log().Info("resumed", "run", o.Run, "model", o.Model, "epoch", done)
			start = done + 1
			if last, err = rec.epochStats(o.Run, o.Model, o.Seed, done, o.stepOf(done)); err != nil {
				return last, err
			}
			last.Steps = m.Steps()
		}
	}
	bar := env.progress(o.Epochs-start+1, fmt.Sprintf("%s %s", o.Run, o.Model))
	defer bar.Close()
	lastCkpt := time.Now()
	for epoch := start; epoch <= o.Epochs; epoch++ {
		if o.LR != nil {
			m.SetLearningRate(o.LR(epoch))
		}
		var stepFn func(int64, tfgraph.StepResult) error
		stepFn = func(step int64, r tfgraph.StepResult) error {
			if o.StepRun != "" {
				row := records.Row{Run: o.StepRun, Model: o.Model, Split: "train", Seed: o.Seed, Step: int(step), Epoch: float64(epoch)}
				row.Metric, row.Value = "loss", r.Loss
				if err := rec.AddRow(row); err != nil {
					return err
				}
				row.Metric, row.Value = "grad_norm", r.GradNorm
				if err := rec.AddRow(row); err != nil {
					return err
				}
			}
			return ctx.Err()
		}
		er, err := m.TrainEpoch(o.Batch, stepFn)
		if err != nil {
			rec.Flush()
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			return last, fmt.Errorf("problems: %s %s, epoch %d: %w", o.Run, o.Model, epoch, err)
		}
		bar.Add(1)
		final := epoch == o.Epochs
		if epoch%every != 0 && !final {
			continue
		}
		st := EpochStats{Epoch: epoch, TrainLoss: er.Loss, TrainAcc: er.Accuracy, TestLoss: math.NaN(), TestAcc: math.NaN(), Steps: m.Steps()}
		if o.EvalTrain {
			if st.TrainLoss, st.TrainAcc, err = m.Evaluate(tfgraph.Train); err != nil {
				return last, err
			}
		}
		if o.EvalTest {
			if st.TestLoss, st.TestAcc, err = m.Evaluate(tfgraph.Test); err != nil {
				return last, err
			}
		}
		if err := writeEpoch(rec, o, st); err != nil {
			return last, err
		}
		bar.Describe(fmt.Sprintf("%s %s loss %.4g", o.Run, o.Model, st.TrainLoss))
		last = st
		if o.OnEpoch != nil {
			if err := o.OnEpoch(st); err != nil {
				return last, err
			}
		}
		stop := o.Until != nil && o.Until(st)
		if final || stop || time.Since(lastCkpt) >= ckptEvery || ctx.Err() != nil {
			if err := checkpoint(m, prefix, epoch, stop); err != nil {
				return last, err
			}
			lastCkpt = time.Now()
		}
		if ctx.Err() != nil {
			return last, ctx.Err()
		}
		if stop {
			break
		}
	}
	return last, nil
}

// cosine returns a schedule that decays the learning rate from lr at the first epoch
// to lr/10 at the last along half a cosine.
func cosine(lr float64, epochs int) func(int) float64 {
	return func(epoch int) float64 {
		if epochs <= 1 {
			return lr
		}
		t := float64(epoch-1) / float64(epochs-1)
		return lr * (0.1 + 0.9*0.5*(1+math.Cos(math.Pi*t)))
	}
}

// stepOf returns the step cell of the rows of a recorded epoch.
func (o fitOptions) stepOf(epoch int) int {
	if o.StepOf != nil {
		return o.StepOf(epoch)
	}
	return epoch
}

// writeEpoch writes and flushes the rows of one recorded epoch.
func writeEpoch(rec *Recorder, o fitOptions, st EpochStats) error {
	ep, step := float64(st.Epoch), o.stepOf(st.Epoch)
	rows := []struct {
		split, metric string
		v             float64
	}{{"train", "loss", st.TrainLoss}, {"train", "accuracy", st.TrainAcc}, {"test", "loss", st.TestLoss}, {"test", "accuracy", st.TestAcc}}
	for _, r := range rows {
		if math.IsNaN(r.v) {
			continue
		}
		if err := rec.AddRow(records.Row{Run: o.Run, Model: o.Model, Split: r.split, Seed: o.Seed, Step: step, Epoch: ep, Metric: r.metric, Value: r.v}); err != nil {
			return err
		}
	}
	return rec.Flush()
}

// checkpoint saves m and the number of epochs done beside it, marked "stopped" when
// fitOptions.Until ended the training.
func checkpoint(m *tfgraph.Model, prefix string, epoch int, stopped bool) error {
	if err := os.MkdirAll(dirOf(prefix), 0o755); err != nil {
		return fmt.Errorf("problems: %w", err)
	}
	if err := m.Save(prefix); err != nil {
		return err
	}
	tmp := prefix + ".epoch.tmp"
	line := strconv.Itoa(epoch)
	if stopped {
		line += " stopped"
	}
	if err := os.WriteFile(tmp, []byte(line+"\n"), 0o644); err != nil {
		return fmt.Errorf("problems: %w", err)
	}
	return os.Rename(tmp, prefix+".epoch")
}

// restore loads the checkpoint at prefix into m and returns the epochs it had done and
// whether Until had stopped the training, or 0 when there is no checkpoint. A
// checkpoint that exists but cannot be read is an error that names it: a resumed run
// never silently starts over.
func restore(m *tfgraph.Model, prefix string) (epoch int, stopped bool, err error) {
	epoch, stopped, err = checkpointEpoch(prefix)
	if err != nil || epoch == 0 {
		return 0, false, err
	}
	if err := m.Restore(prefix); err != nil {
		return 0, false, fmt.Errorf("problems: checkpoint %s is corrupt: %w", prefix, err)
	}
	return epoch, stopped, nil
}

// checkpointEpoch returns the number of epochs the checkpoint at prefix holds and
// whether fitOptions.Until had stopped its training, from the .epoch file beside it:
// 0 when there is none. A file that exists but cannot be read or parsed is an error
// that names it.
func checkpointEpoch(prefix string) (epoch int, stopped bool, err error) {
	b, err := os.ReadFile(prefix + ".epoch")
	if os.IsNotExist(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("problems: reading checkpoint %s: %w", prefix, err)
	}
	fields := strings.Fields(string(b))
	if len(fields) > 0 {
		epoch, err = strconv.Atoi(fields[0])
	}
	if len(fields) == 0 || len(fields) > 2 || err != nil || epoch < 1 || (len(fields) == 2 && fields[1] != "stopped") {
		return 0, false, fmt.Errorf("problems: checkpoint %s.epoch is corrupt (%q)", prefix, strings.TrimSpace(string(b)))
	}
	return epoch, len(fields) == 2, nil
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}
