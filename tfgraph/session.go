package tfgraph

import (
	"fmt"
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
	IntraOpThreads, InterOpThreads int
}

// configProto serializes c as a TensorFlow ConfigProto.
func (c SessionConfig) configProto() ([]byte, error) {
	cfg := &cpb.ConfigProto{
		IntraOpParallelismThreads: int32(c.IntraOpThreads),
		InterOpParallelismThreads: int32(c.InterOpThreads),
		AllowSoftPlacement:        true,
		GpuOptions:                &cpb.GPUOptions{AllowGrowth: true},
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
			return nil, fmt.Errorf("tfgraph: device gpu requested but TensorFlow lists no GPU (is the GPU build of libtensorflow installed?)")
		}
	}
	return s, nil
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
