package problems

// Progress reports the advance of one long task.
type Progress interface {
	// Add advances the task by n units.
	Add(n int)
	// Describe replaces the text shown beside the bar.
	Describe(s string)
	// Close ends the task's display.
	Close()
}

// ProgressFunc starts the display of a task of total units described by desc.
type ProgressFunc func(total int, desc string) Progress

type noProgress struct{}

func (noProgress) Add(int)         {}
func (noProgress) Describe(string) {}
func (noProgress) Close()          {}

// progress starts a progress display, or a silent one when env has none.
func (env *Env) progress(total int, desc string) Progress {
	if env.Progress == nil {
		return noProgress{}
	}
	return env.Progress(total, desc)
}
