package tfgraph

import (
	"fmt"
	"math"
	"testing"
)

// TestConvPoolMatchesDefinition checks that a convolution followed by max-pooling,
// which the engine computes as act(maxpool(conv(x)) + b), gives the outputs of the
// layers' definition, maxpool(act(conv(x) + b)), computed here in plain Go from the
// model's parameters, for every activation and both paddings.
func TestConvPoolMatchesDefinition(t *testing.T) {
	img := []int{7, 7, 2}
	for _, act := range []Activation{ReLU, Tanh, Sigmoid, Identity} {
		for _, c := range []struct {
			conv Conv2D
			pool MaxPool2D
		}{
			{Conv2D{Filters: 3, Kernel: 3, Padding: Valid}, MaxPool2D{Size: 2}},
			{Conv2D{Filters: 3, Kernel: 3, Padding: Same}, MaxPool2D{Size: 3, Stride: 2, Padding: Same}},
			{Conv2D{Filters: 2, Kernel: 2, Stride: 2, Padding: Same}, MaxPool2D{Size: 2, Padding: Same}},
		} {
			c.conv.Activation = act
			name := fmt.Sprintf("%s-%s-k%d-s%d-pool%d-%s", act, c.conv.Padding, c.conv.Kernel, c.conv.stride(), c.pool.Size, c.pool.Padding.orDefault())
			t.Run(name, func(t *testing.T) {
				spec := Spec{Name: "conv-pool", Input: img, Layers: []Layer{c.conv, c.pool, Flatten{}, Dense{Units: 3}}}
				data := classification(5, img, 3, 9)
				m := newModel(t, spec, data, nil, Config{DType: Float64, Seed: 3})
				theta, err := m.GetParams()
				if err != nil {
					t.Fatal(err)
				}
				// Non-zero biases, so that the bias's place matters.
				for i := range theta {
					theta[i] += 0.05 * float64(i%7-3)
				}
				if err := m.SetParams(theta); err != nil {
					t.Fatal(err)
				}
				got, err := m.Predict(data.X)
				if err != nil {
					t.Fatal(err)
				}
				ps := m.Params()
				dim := prod(img)
				for n := 0; n < data.N(); n++ {
					x := data.X[n*dim : (n+1)*dim]
					h, hw, ww := refConv(x, img, theta[ps[0].Offset:ps[0].Offset+ps[0].Size], theta[ps[1].Offset:ps[1].Offset+ps[1].Size], c.conv)
					h, hw, ww = refPool(h, hw, ww, c.conv.Filters, c.pool)
					wd, bd := theta[ps[2].Offset:ps[2].Offset+ps[2].Size], theta[ps[3].Offset:ps[3].Offset+ps[3].Size]
					for o := 0; o < 3; o++ {
						want := bd[o]
						for i, v := range h {
							want += v * wd[i*3+o]
						}
						if d := math.Abs(got[n*3+o] - want); d > 1e-9*(1+math.Abs(want)) {
							t.Errorf("example %d output %d: engine %.12g, definition %.12g", n, o, got[n*3+o], want)
						}
					}
				}
			})
		}
	}
}

// pads returns TensorFlow's output size and leading padding of a window.
func pads(in, k, s int, p Padding) (out, before int) {
	if p.orDefault() == "SAME" {
		out = (in + s - 1) / s
		return out, max((out-1)*s+k-in, 0) / 2
	}
	return (in-k)/s + 1, 0
}

func refAct(v float64, a Activation) float64 {
	switch a {
	case ReLU:
		return math.Max(v, 0)
	case Tanh:
		return math.Tanh(v)
	case Sigmoid:
		return 1 / (1 + math.Exp(-v))
	}
	return v
}

// refConv returns act(conv(x) + b) in HWC order with its height and width.
func refConv(x []float32, shape []int, k, b []float64, c Conv2D) ([]float64, int, int) {
	hin, win, cin := shape[0], shape[1], shape[2]
	s := c.stride()
	ho, ph := pads(hin, c.Kernel, s, c.Padding)
	wo, pw := pads(win, c.Kernel, s, c.Padding)
	out := make([]float64, ho*wo*c.Filters)
	for i := 0; i < ho; i++ {
		for j := 0; j < wo; j++ {
			for f := 0; f < c.Filters; f++ {
				v := b[f]
				for di := 0; di < c.Kernel; di++ {
					for dj := 0; dj < c.Kernel; dj++ {
						y, z := i*s+di-ph, j*s+dj-pw
						if y < 0 || y >= hin || z < 0 || z >= win {
							continue
						}
						for ch := 0; ch < cin; ch++ {
							v += float64(x[(y*win+z)*cin+ch]) * k[((di*c.Kernel+dj)*cin+ch)*c.Filters+f]
						}
					}
				}
				out[(i*wo+j)*c.Filters+f] = refAct(v, c.Activation)
			}
		}
	}
	return out, ho, wo
}

// refPool max-pools h (HWC) over the windows inside the input (SAME padding is ignored).
func refPool(h []float64, hin, win, ch int, p MaxPool2D) ([]float64, int, int) {
	s := p.stride()
	ho, ph := pads(hin, p.Size, s, p.Padding)
	wo, pw := pads(win, p.Size, s, p.Padding)
	out := make([]float64, ho*wo*ch)
	for i := 0; i < ho; i++ {
		for j := 0; j < wo; j++ {
			for c := 0; c < ch; c++ {
				m := math.Inf(-1)
				for di := 0; di < p.Size; di++ {
					for dj := 0; dj < p.Size; dj++ {
						y, z := i*s+di-ph, j*s+dj-pw
						if y >= 0 && y < hin && z >= 0 && z < win {
							m = math.Max(m, h[(y*win+z)*ch+c])
						}
					}
				}
				out[(i*wo+j)*ch+c] = m
			}
		}
	}
	return out, ho, wo
}
