package tfgraph

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	tf "github.com/wamuir/graft/tensorflow"
	spb "github.com/wamuir/graft/tensorflow/core/framework/summary_go_proto"
	epb "github.com/wamuir/graft/tensorflow/core/util/event_go_proto"
	"github.com/wamuir/graft/tensorflow/op"
	"google.golang.org/protobuf/proto"
)

// summaryBatch is the number of WriteScalarSummary ops in a SummaryWriter's graph:
// one session run writes up to this many scalars.
const summaryBatch = 256

// SummaryWriter writes scalars into TensorBoard event files with TensorFlow's own
// summary kernels (SummaryWriter, CreateSummaryFileWriter, WriteScalarSummary,
// FlushSummaryWriter and CloseSummaryWriter), run in a small graph and session of its
// own on the CPU. Each writer opens a new events.out.tfevents.* file in its folder, so
// a second writer on the same folder appends to the run's curves without touching the
// files already there. A SummaryWriter is not safe for concurrent use.
type SummaryWriter struct {
	sess                *tf.Session
	steps, tags, values tf.Output
	// writes[i] writes the first i+1 scalars of the batch, in order.
	writes       []*tf.Operation
	flush, close *tf.Operation
	queue        []ScalarEvent
	closed       bool
}

// NewSummaryWriter creates dir if needed and opens a writer on a new event file in it.
func NewSummaryWriter(dir string) (*SummaryWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tfgraph: summary folder: %w", err)
	}
	s := op.NewScope()
	batch := tf.MakeShape(summaryBatch)
	steps := op.Placeholder(s.SubScope("steps"), tf.Int64, op.PlaceholderShape(batch))
	tags := op.Placeholder(s.SubScope("tags"), tf.String, op.PlaceholderShape(batch))
	values := op.Placeholder(s.SubScope("values"), tf.Float, op.PlaceholderShape(batch))
	step := op.Unpack(s.SubScope("step"), steps, summaryBatch)
	tag := op.Unpack(s.SubScope("tag"), tags, summaryBatch)
	value := op.Unpack(s.SubScope("value"), values, summaryBatch)
	logdir := op.Const(s.SubScope("logdir"), dir)
	maxQueue := op.Const(s.SubScope("max_queue"), int32(1<<20))
	flushMillis := op.Const(s.SubScope("flush_millis"), int32(1<<30))
	suffix := op.Const(s.SubScope("suffix"), ".hw1")
	graph, err := s.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: summary graph: %w", err)
	}
	// The resource ops have no wrappers in graft's op package: add them by name.
	add := func(spec tf.OpSpec) *tf.Operation {
		if err != nil {
			return nil
		}
		var o *tf.Operation
		o, err = graph.AddOperation(spec)
		return o
	}
	res := add(tf.OpSpec{Type: "SummaryWriter", Name: "writer", Attrs: map[string]any{"shared_name": "", "container": ""}})
	if err != nil {
		return nil, fmt.Errorf("tfgraph: summary writer op: %w", err)
	}
	w := res.Output(0)
	create := add(tf.OpSpec{Type: "CreateSummaryFileWriter", Name: "create",
		Input: []tf.Input{w, logdir, maxQueue, flushMillis, suffix}})
	writes := make([]*tf.Operation, summaryBatch)
	for i := range writes {
		spec := tf.OpSpec{Type: "WriteScalarSummary", Name: fmt.Sprintf("write_%d", i),
			Input: []tf.Input{w, step[i], tag[i], value[i]}}
		if i > 0 {
			spec.ControlDependencies = []*tf.Operation{writes[i-1]}
		}
		writes[i] = add(spec)
	}
	flush := add(tf.OpSpec{Type: "FlushSummaryWriter", Name: "flush", Input: []tf.Input{w}})
	closeOp := add(tf.OpSpec{Type: "CloseSummaryWriter", Name: "close", Input: []tf.Input{w}})
	if err != nil {
		return nil, fmt.Errorf("tfgraph: summary ops: %w", err)
	}
	sess, err := NewSession(graph, SessionConfig{Device: "cpu", IntraOpThreads: 1, InterOpThreads: 1})
	if err != nil {
		return nil, err
	}
	if _, err := sess.Run(nil, nil, []*tf.Operation{create}); err != nil {
		sess.Close()
		return nil, fmt.Errorf("tfgraph: create summary file writer in %s: %w", dir, err)
	}
	return &SummaryWriter{sess: sess, steps: steps, tags: tags, values: values, writes: writes,
		flush: flush, close: closeOp}, nil
}

// Scalar queues the value of tag at step; Flush writes it to the file. TensorBoard
// stores scalars as float32.
func (w *SummaryWriter) Scalar(tag string, step int64, value float32) error {
	if w.closed {
		return errors.New("tfgraph: summary writer is closed")
	}
	w.queue = append(w.queue, ScalarEvent{Tag: tag, Step: step, Value: value})
	if len(w.queue) >= 16*summaryBatch {
		return w.writeQueue()
	}
	return nil
}

// writeQueue hands the queued scalars to the writer kernel, summaryBatch per run.
func (w *SummaryWriter) writeQueue() error {
	for len(w.queue) > 0 {
		n := min(len(w.queue), summaryBatch)
		steps := make([]int64, summaryBatch)
		tags := make([]string, summaryBatch)
		values := make([]float32, summaryBatch)
		for i, ev := range w.queue[:n] {
			steps[i], tags[i], values[i] = ev.Step, ev.Tag, ev.Value
		}
		feeds := map[tf.Output]*tf.Tensor{}
		for out, v := range map[tf.Output]any{w.steps: steps, w.tags: tags, w.values: values} {
			t, err := tf.NewTensor(v)
			if err != nil {
				return fmt.Errorf("tfgraph: summary batch: %w", err)
			}
			feeds[out] = t
		}
		if _, err := w.sess.Run(feeds, nil, []*tf.Operation{w.writes[n-1]}); err != nil {
			return fmt.Errorf("tfgraph: write scalar summaries: %w", err)
		}
		w.queue = w.queue[n:]
	}
	w.queue = nil
	return nil
}

// Flush writes every queued scalar to the event file.
func (w *SummaryWriter) Flush() error {
	if w.closed {
		return errors.New("tfgraph: summary writer is closed")
	}
	if err := w.writeQueue(); err != nil {
		return err
	}
	if _, err := w.sess.Run(nil, nil, []*tf.Operation{w.flush}); err != nil {
		return fmt.Errorf("tfgraph: flush summary writer: %s", firstLine(err.Error()))
	}
	return nil
}

// Close writes what is queued, closes the event file and the writer's session. It is
// safe to call twice.
func (w *SummaryWriter) Close() error {
	if w.closed {
		return nil
	}
	err := w.writeQueue()
	w.closed = true
	if err == nil {
		if _, rerr := w.sess.Run(nil, nil, []*tf.Operation{w.close}); rerr != nil {
			err = fmt.Errorf("tfgraph: close summary writer: %w", rerr)
		}
	}
	if cerr := w.sess.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("tfgraph: close summary session: %w", cerr)
	}
	return err
}

// ScalarEvent is one scalar read back from an event file.
type ScalarEvent struct {
	Tag   string
	Step  int64
	Value float32
}

// ReadScalars returns the scalars of every events.out.tfevents.* file in dir, file by
// file in name order (creation order for files written by SummaryWriter), in the order
// they were written. A folder that does not exist holds none. A record cut short at
// the end of a file (a writer killed mid-write) ends that file.
func ReadScalars(dir string) ([]ScalarEvent, error) {
	files, err := filepath.Glob(filepath.Join(dir, "events.out.tfevents.*"))
	if err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	var out []ScalarEvent
	for _, name := range files {
		evs, err := readEventFile(name)
		if err != nil {
			return out, err
		}
		out = append(out, evs...)
	}
	return out, nil
}

// readEventFile reads the scalars of one TFRecord file of Event protos: each record
// is a little-endian uint64 length, its masked CRC-32C, the data and the data's CRC.
func readEventFile(name string) ([]ScalarEvent, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var out []ScalarEvent
	var head [12]byte
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			break // end of file, or a header cut short
		}
		n := binary.LittleEndian.Uint64(head[:8])
		if n > 1<<30 {
			return out, fmt.Errorf("tfgraph: %s: record of %d bytes", name, n)
		}
		buf := make([]byte, n+4)
		if _, err := io.ReadFull(r, buf); err != nil {
			break
		}
		var ev epb.Event
		if err := proto.Unmarshal(buf[:n], &ev); err != nil {
			return out, fmt.Errorf("tfgraph: %s: %w", name, err)
		}
		for _, v := range ev.GetSummary().GetValue() {
			val, ok := scalarValue(v)
			if ok {
				out = append(out, ScalarEvent{Tag: v.GetTag(), Step: ev.GetStep(), Value: val})
			}
		}
	}
	return out, nil
}

// scalarValue returns the scalar of a summary value: TensorFlow's WriteScalarSummary
// kernel writes it as simple_value, TensorFlow 2's Python summaries as a one-element
// float tensor. Other values (images, histograms) are not scalars.
func scalarValue(v *spb.Summary_Value) (float32, bool) {
	if sv, ok := v.GetValue().(*spb.Summary_Value_SimpleValue); ok {
		return sv.SimpleValue, true
	}
	if t := v.GetTensor(); t != nil {
		if f := t.GetFloatVal(); len(f) == 1 {
			return f[0], true
		}
		if d := t.GetDoubleVal(); len(d) == 1 {
			return float32(d[0]), true
		}
	}
	return 0, false
}
