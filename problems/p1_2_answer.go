package problems

import (
	"fmt"
	"strings"
)

// summary12 is the typed summary of problem 1-2.
type summary12 struct {
	// Seeds is the number of trainings per model and task; Epochs and Batch the budget.
	Seeds  int `json:"seeds"`
	Epochs int `json:"epochs"`
	Batch  int `json:"batch"`
	// Tasks lists the tasks that ran with their training and test sizes.
	Tasks []task12 `json:"tasks"`
	// Models has one entry per task and model: the last epoch's measurements over seeds
	// (accuracies as fractions).
	Models []model12 `json:"models"`
	// Effects compares every model with the first of its task, seed by seed, on test
	// accuracy in percentage points.
	Effects []Effect `json:"effects"`
	// Orderings ranks each task's models by test accuracy, best first.
	Orderings []ordering12 `json:"orderings"`
}

type task12 struct {
	Task  string `json:"task"`
	Train int    `json:"train"`
	Test  int    `json:"test"`
}

type model12 struct {
	Label  string `json:"model"`
	Task   string `json:"task"`
	Model  string `json:"name"`
	Params int    `json:"params"`
	finals
	testAcc []float64
}

type ordering12 struct {
	Task string `json:"task"`
	Ordering
}

// result12 is one model trained on one task from every seed.
type result12 struct {
	task, model string
	params      int
	last        []EpochStats
}

// add summarises one model's trainings.
func (s *summary12) add(r result12) {
	var tra, tea, trl, tel []float64
	for _, st := range r.last {
		tra, tea = append(tra, st.TrainAcc), append(tea, st.TestAcc)
		trl, tel = append(trl, st.TrainLoss), append(tel, st.TestLoss)
	}
	s.Models = append(s.Models, model12{
		Label: r.task + " " + r.model, Task: r.task, Model: r.model, Params: r.params,
		finals: finalsOf(tra, tea, trl, tel), testAcc: tea,
	})
}

// compare fills the effects and orderings from the models' per-seed test accuracies.
func (s *summary12) compare() {
	for _, t := range s.Tasks {
		var ms []model12
		for _, m := range s.Models {
			if m.Task == t.Task {
				ms = append(ms, m)
			}
		}
		var names []string
		var neg [][]float64 // minus the accuracy: orderOf ranks lowest first
		for _, m := range ms {
			names = append(names, m.Model)
			v := make([]float64, len(m.testAcc))
			for i, a := range m.testAcc {
				v[i] = -a
			}
			neg = append(neg, v)
		}
		s.Orderings = append(s.Orderings, ordering12{Task: t.Task, Ordering: orderOf(names, neg)})
		for _, m := range ms[1:] {
			s.Effects = append(s.Effects, namedEffect(m.Model, ms[0].Model, groupMeasure(t.Task, "test accuracy (points)"),
				percents(m.testAcc), percents(ms[0].testAcc)))
		}
	}
}

func percents(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = 100 * x
	}
	return out
}

// answer12 reports every model's test accuracy over seeds, each model against the
// first with its interval, and whether the ranking holds in every seed.
func answer12(res RunResult) string { return answerFrom(res, write12) }

// write12 writes the answer of 1-2 from its summary.
func write12(s *summary12, b *strings.Builder) {
	fmt.Fprintf(b, "%d seeds per model, %d epochs of batch %d. ", s.Seeds, s.Epochs, s.Batch)
	for ti, t := range s.Tasks {
		fmt.Fprintf(b, "On %s (%d training and %d test images): ", t.Task, t.Train, t.Test)
		var parts []string
		for _, m := range s.Models {
			if m.Task == t.Task {
				parts = append(parts, fmt.Sprintf("%s (%d parameters) test accuracy %s", m.Model, m.Params, percent(m.TestAccuracy, 4)))
			}
		}
		b.WriteString(strings.Join(parts, "; ") + ". ")
		for _, e := range groupEffects(s.Effects, t.Task) {
			verdict := noClearDifference
			if m := better(e, false); m != "" {
				verdict = m + " is better"
			}
			fmt.Fprintf(b, "%s minus %s, test accuracy: %s, %s higher in %s seeds: %s. ", e.A, e.B, e.Estimate.Quote(2, " points", "seeds"), e.A, ofSeeds(e.Higher, e.Estimate.N), verdict)
		}
		if ti < len(s.Orderings) {
			o := s.Orderings[ti]
			fmt.Fprintf(b, "Ranking by mean test accuracy, best first: %s", strings.Join(o.Order, " > "))
			if o.Share == 1 {
				b.WriteString(", the same in every seed. ")
			} else {
				fmt.Fprintf(b, "; not the same across seeds: it holds in %s seeds. ", ofSeeds(o.Share, o.Seeds))
			}
		}
	}
}
