package tfgraph

import (
	"errors"
	"fmt"
	"os"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
	cpb "github.com/wamuir/graft/tensorflow/core/protobuf/for_core_protos_go_proto"
	"github.com/wamuir/graft/tensorflow/op"
	"google.golang.org/protobuf/proto"
)

// SessionConfig says where and with how many threads a graph runs. Its zero value runs
// on TensorFlow's default device with TensorFlow's default thread pools.
type SessionConfig struct {
	// Device is "cpu" (GPUs hidden), "gpu" (GPU:0, which must exist; soft placement
	// and memory growth on) or "" (TensorFlow's default placement).
	Device string
	// IntraOpThreads and InterOpThreads size TensorFlow's thread pools. When both are
	// 0, New runs models under 20,000 parameters on one thread (hand-offs between
	// threads cost more than they save there) and lets TensorFlow choose otherwise.
	// Each session has pools of its own (see perSessionThreads), so the setting of
	// one model does not carry over to the next.
	IntraOpThreads, InterOpThreads int
	// XLA compiles clusters of the graph with XLA (auto-clustering, global_jit_level
	// ON_1). On the CPU it needs --tf_xla_cpu_global_jit in TF_XLA_FLAGS when the
	// first session runs, which init adds.
	XLA bool
}

// TensorFlow sizes two process-wide thread pools from the first session it opens and
// ignores the thread settings of every later session: the inter-op pool unless the
// session asks for its own (use_per_session_threads), and the intra-op pool of the
// CPU device unless TF_OVERRIDE_GLOBAL_THREADPOOL is set when the first device is
// created. A process that trained a small model first (one thread) would train every
// later model on one thread too. init sets the variable, which TensorFlow reads on
// the first session, and configProto asks for per-session inter-op pools.
//
// TensorFlow reads TF_XLA_FLAGS once, too: init adds --tf_xla_cpu_global_jit, which
// lets SessionConfig.XLA cluster CPU graphs and leaves sessions without it unchanged.
func init() {
	if _, ok := os.LookupEnv("TF_OVERRIDE_GLOBAL_THREADPOOL"); !ok {
		os.Setenv("TF_OVERRIDE_GLOBAL_THREADPOOL", "1")
	}
	if f := os.Getenv("TF_XLA_FLAGS"); !strings.Contains(f, "tf_xla_cpu_global_jit") {
		os.Setenv("TF_XLA_FLAGS", strings.TrimSpace(f+" --tf_xla_cpu_global_jit"))
	}
}

// configProto serializes c as a TensorFlow ConfigProto.
func (c SessionConfig) configProto() ([]byte, error) {
	cfg := &cpb.ConfigProto{
		IntraOpParallelismThreads: int32(c.IntraOpThreads),
		InterOpParallelismThreads: int32(c.InterOpThreads),
		UsePerSessionThreads:      true,
		AllowSoftPlacement:        true,
		GpuOptions:                &cpb.GPUOptions{AllowGrowth: true},
	}
	if c.XLA {
		cfg.GraphOptions = &cpb.GraphOptions{OptimizerOptions: &cpb.OptimizerOptions{GlobalJitLevel: cpb.OptimizerOptions_ON_1}}
	}
	switch strings.ToLower(c.Device) {
	case "", "gpu", "gpu:0":
	case "cpu":
		cfg.DeviceCount = map[string]int32{"GPU": 0}
	default:
		return nil, fmt.Errorf("tfgraph: unknown device %q (want cpu or gpu)", c.Device)
	}
	return proto.Marshal(cfg)
}

// NewSession opens a session on g configured by c. When c asks for a GPU and none is
// visible, it fails rather than silently running on the CPU.
func NewSession(g *tf.Graph, c SessionConfig) (*tf.Session, error) {
	cfg, err := c.configProto()
	if err != nil {
		return nil, err
	}
	s, err := tf.NewSession(g, &tf.SessionOptions{Config: cfg})
	if err != nil {
		return nil, fmt.Errorf("tfgraph: new session: %w", err)
	}
	if strings.HasPrefix(strings.ToLower(c.Device), "gpu") {
		devs, err := s.ListDevices()
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("tfgraph: list devices: %w", err)
		}
		found := false
		for _, d := range devs {
			found = found || d.Type == "GPU"
		}
		if !found {
			s.Close()
			return nil, ErrNoGPU
		}
	}
	return s, nil
}

// ErrNoGPU is the error of a session or check that asks for a GPU where TensorFlow
// sees none.
var ErrNoGPU = errors.New("tfgraph: --device gpu, but TensorFlow sees no GPU (the CPU build of libtensorflow, or no NVIDIA driver or device; see hw1 doctor)")

// CheckGPU returns ErrNoGPU when TensorFlow lists no GPU device.
func CheckGPU() error {
	devs, err := Devices()
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.Type == "GPU" {
			return nil
		}
	}
	return ErrNoGPU
}

// Device describes one device TensorFlow can run on.
type Device struct {
	Name, Type  string
	MemoryBytes int64
}

// Devices lists the devices TensorFlow sees with its default configuration.
func Devices() ([]Device, error) {
	s := op.NewScope()
	op.Const(s.SubScope("Const"), int32(0))
	g, err := s.Finalize()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	sess, err := NewSession(g, SessionConfig{})
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	devs, err := sess.ListDevices()
	if err != nil {
		return nil, fmt.Errorf("tfgraph: list devices: %w", err)
	}
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = Device{Name: d.Name, Type: d.Type, MemoryBytes: d.MemoryLimitBytes}
	}
	return out, nil
}
