package problems

import "hw1/problems/records"

// catalogue returns every problem of the homework in the order of records.Problems.
// It is the one list that All, Names and Lookup read; each problem's settings, units,
// run, finish step and answer live in its own file (p1_1.go ... p3_3.go).
func catalogue() []Problem {
	return []Problem{
		{
			Name:     records.Problem11,
			Title:    "Simulate a function",
			Question: "With the same number of parameters, does a deep network fit a 1-D function better than a shallow one?",
			Defaults: defaults11,
			Units:    unitsOf(defaults11, units11),
			Run:      run11,
			Finish:   finish11,
			Answer:   answer11,
		},
		{
			Name:     records.Problem12,
			Title:    "Train on actual tasks",
			Question: "On real images, how do CNNs of different depth (and a DNN) with similar parameter counts learn?",
			Defaults: defaults12,
			Units:    unitsOf(defaults12, units12),
			Run:      run12,
			Finish:   finish12,
			Answer:   answer12,
		},
		{
			Name:     records.Problem21,
			Title:    "Visualize the optimization process",
			Question: "Where do eight trainings of the same network from different seeds go in parameter space, seen through one PCA of all their snapshots?",
			Defaults: defaults21,
			Units:    unitsOf(defaults21, units21),
			Run:      run21,
			Finish:   finish21,
			Answer:   answer21,
		},
		{
			Name:     records.Problem22,
			Title:    "Gradient norm, and what happens when the gradient is almost zero",
			Question: "How does the gradient norm evolve during training, and what does the Hessian look like where the gradient vanishes?",
			Defaults: defaults22,
			Units:    unitsOf(defaults22, units22),
			Run:      run22,
			Finish:   finish22,
			Answer:   answer22,
		},
		{
			Name:     records.Problem31,
			Title:    "Can a network fit random labels?",
			Question: "Can a network with enough parameters fit training labels drawn at random, and what happens to its test accuracy?",
			Defaults: defaults31,
			Units:    unitsOf(defaults31, units31),
			Run:      run31,
			Finish:   finish31,
			Answer:   answer31,
		},
		{
			Name:     records.Problem32,
			Title:    "Number of parameters v.s. generalization",
			Question: "How do the training and test loss and accuracy change with the number of parameters of models of one family trained with the same budget?",
			Defaults: defaults32,
			Units:    unitsOf(defaults32, units32),
			Run:      run32,
			Finish:   finish32,
			Answer:   answer32,
		},
		{
			Name:     records.Problem33,
			Title:    "Flatness v.s. generalization",
			Question: "Trained to the same training accuracy, do models trained with large batches sit in sharper minima, are they more sensitive to their input, and do they generalize worse?",
			Defaults: defaults33,
			Units:    units33,
			Run:      run33,
			Finish:   finish33,
			Answer:   answer33,
		},
	}
}
