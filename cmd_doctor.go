package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"hw1/problems/data"
	"hw1/tfgraph"
)

// doctorAction reports what hw1 found on this machine ("hw1 doctor"): the TensorFlow
// library and its devices, the datasets and the threads it will use.
func doctorAction(c *cli.Context) error {
	w := c.App.Writer
	fmt.Fprintf(w, "hw1         %s\n", version)
	fmt.Fprintf(w, "tensorflow  %s\n", tfgraph.Version())
	fmt.Fprintf(w, "library     %s\n", orNone(tfgraph.LibraryPath()))
	devs, err := tfgraph.Devices()
	if err != nil {
		return fmt.Errorf("doctor: listing devices: %w", err)
	}
	gpuBuild, err := tfgraph.GPUBuild()
	if err != nil {
		return fmt.Errorf("doctor: %w", err)
	}
	build := "CPU only"
	if gpuBuild {
		build = "GPU (CUDA kernels)"
	}
	fmt.Fprintf(w, "build       %s\n", build)
	gpus := 0
	for _, d := range devs {
		fmt.Fprintf(w, "device      %s (%s, %d MiB)\n", d.Name, d.Type, d.MemoryBytes>>20)
		if d.Type == "GPU" {
			gpus++
		}
	}
	switch {
	case gpus > 0:
		fmt.Fprintf(w, "gpu         %d visible\n", gpus)
	case gpuBuild:
		fmt.Fprintln(w, "gpu         none visible (no NVIDIA driver or device found); --device gpu will stop")
	default:
		fmt.Fprintln(w, "gpu         none (the library is the CPU build)")
	}
	fmt.Fprintf(w, "threads     %d cores (GOMAXPROCS %d)\n", runtime.NumCPU(), runtime.GOMAXPROCS(0))
	for _, f := range data.Present(c.String(dataDirFlag.Name)) {
		state := "absent"
		if f.Present {
			state = "present"
		}
		fmt.Fprintf(w, "dataset     %-14s %-8s %s\n", f.Name, state, f.Path)
	}
	return nil
}

// orNone returns s, or "(none)" when s is empty.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
