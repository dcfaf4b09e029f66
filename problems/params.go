package problems

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// paramsExport is what exportParams writes beside a model's parameters: the run and
// model cells of its rows, the seed of its training, the type it computed in, the
// data it was trained on and what was measured with these parameters (train_loss at
// least; see records.ParamsInfo).
type paramsExport struct {
	Run, Model string
	Seed       uint64
	DType      tfgraph.DType
	Data       records.ParamsData
	Metrics    map[string]float64
}

// exportParams writes the current parameters of m as .npy files (tfgraph.ExportNPY)
// with their sidecar records.ParamsFile to <dir>/params/<run>--<model>/, replacing what
// an earlier attempt left there. Every problem calls it once per trained model.
func exportParams(rec *Recorder, m *tfgraph.Model, e paramsExport) error {
	dir := filepath.Join(rec.dir, records.ParamsDir, safeName(e.Run)+"--"+safeName(e.Model))
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("problems: %w", err)
	}
	if err := m.ExportNPY(dir); err != nil {
		return err
	}
	spec := m.Spec()
	layers := make([]records.ParamsLayer, len(spec.Layers))
	for i, l := range spec.Layers {
		layers[i] = records.ParamsLayer{Kind: l.Kind(), Config: l, Params: []records.ParamsTensor{}}
	}
	for _, p := range m.Params() {
		layers[p.Layer].Params = append(layers[p.Layer].Params, records.ParamsTensor{
			Name: p.Name, File: strings.ReplaceAll(p.Name, "/", "-") + ".npy", Shape: p.Shape,
		})
	}
	loss := spec.Loss
	if loss == "" {
		loss = tfgraph.CrossEntropy
	}
	return records.WriteParamsInfo(dir, &records.ParamsInfo{
		Version: records.ParamsVersion, Problem: rec.man.Problem, Run: e.Run, Model: e.Model,
		Seed: e.Seed, DType: e.DType.String(), Input: spec.Input, Loss: string(loss),
		Layers: layers, Data: e.Data, Metrics: e.Metrics,
	})
}

// setData describes the first n examples of split of dataset ds for a sidecar.
func setData(ds records.Dataset, split string, n int) records.ParamsData {
	return records.ParamsData{Name: ds.Name, Source: ds.Source, Split: split, Examples: n, Labels: "true"}
}

// functionData describes n evenly spaced points of the named 1-D function on [lo, hi]
// (data.Function) for a sidecar.
func functionData(name string, n int, lo, hi float64) records.ParamsData {
	return records.ParamsData{Name: name, Source: "data.Function " + name, Split: "train", Examples: n, Lo: lo, Hi: hi}
}
