package records

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ParamsDir is the folder of a problem's output folder that holds the exported
// parameters of its trained models: one folder per model, <out>/<problem>/params/<id>/,
// with one .npy file per parameter tensor and the sidecar ParamsFile.
const ParamsDir = "params"

// ParamsFile is the JSON sidecar of an exported model, beside its .npy files.
const ParamsFile = "model.json"

// ParamsVersion is the version of the ParamsInfo format that this package writes.
const ParamsVersion = 1

// ParamsInfo is the sidecar of one exported model: enough to rebuild the model and its
// loss with numpy from the .npy files beside it (see docs/records.md).
type ParamsInfo struct {
	Version int    `json:"version"`
	Problem string `json:"problem"`
	// Run and Model are the run and model cells of the model's rows in RecordsFile.
	Run   string `json:"run"`
	Model string `json:"model"`
	// Seed is the seed of the training (initial weights and batch order).
	Seed uint64 `json:"seed"`
	// DType is the type the model was trained and evaluated in: "float32" or
	// "float64". The .npy files are float64 either way (float32 values are exact).
	DType string `json:"dtype"`
	// Input is the shape of one example ([1], [784], [28 28 1]).
	Input []int `json:"input"`
	// Loss is "mse" (mean over outputs and examples of the squared error) or
	// "cross-entropy" (mean over examples of the softmax cross-entropy of the logits).
	Loss   string        `json:"loss"`
	Layers []ParamsLayer `json:"layers"`
	Data   ParamsData    `json:"data"`
	// Metrics are what hw1 measured with these parameters, by name: train_loss is the
	// loss on Data in DType; train_loss_float64, when present, is the same loss
	// evaluated in float64 from the exported parameters.
	Metrics map[string]float64 `json:"metrics"`
}

// ParamsLayer is one layer of an exported model, in order from input to output.
type ParamsLayer struct {
	// Kind is "dense", "conv2d", "maxpool" or "flatten"; Config the layer's settings
	// as hw1 holds them (Units and Activation for a dense layer).
	Kind   string `json:"kind"`
	Config any    `json:"config"`
	// Params are the layer's tensors: for a dense layer the kernel [in out] (y = x·W
	// + b) and the bias [out].
	Params []ParamsTensor `json:"params"`
}

// ParamsTensor is one parameter tensor: its name, its .npy file (relative to the
// sidecar) and its shape. Kernels of more than two axes are stored as 2-D arrays with
// the last axis as columns; reshape the array to Shape.
type ParamsTensor struct {
	Name  string `json:"name"`
	File  string `json:"file"`
	Shape []int  `json:"shape"`
}

// ParamsData describes the data a model was trained on.
type ParamsData struct {
	// Name is a dataset ("digits", "mnist", ...) or a 1-D function ("sinc", ...).
	Name string `json:"name"`
	// Source is where the dataset was read from: "embedded" (hw1's own digits, in
	// problems/data/digits of the repository), a folder, or for a function its
	// definition.
	Source string `json:"source"`
	// Split is the split trained on and Examples the number of its first examples used.
	Split    string `json:"split"`
	Examples int    `json:"examples"`
	// Lo and Hi bound the evenly spaced points x of a function, both ends included;
	// x and y = f(x) are computed in float64 and rounded to float32.
	Lo float64 `json:"lo,omitempty"`
	Hi float64 `json:"hi,omitempty"`
	// Labels says which labels were used: "true", or how random labels were drawn.
	Labels string `json:"labels,omitempty"`
}

// WriteParamsInfo writes info as dir/ParamsFile.
func WriteParamsInfo(dir string, info *ParamsInfo) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ParamsFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("records: %w", err)
	}
	return nil
}

// ReadParamsInfo reads dir/ParamsFile.
func ReadParamsInfo(dir string) (*ParamsInfo, error) {
	b, err := os.ReadFile(filepath.Join(dir, ParamsFile))
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	var info ParamsInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("records: %s: %w", filepath.Join(dir, ParamsFile), err)
	}
	return &info, nil
}
