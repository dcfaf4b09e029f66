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

// UnitSetter is implemented by a Progress whose counting unit can be named; without
// it a display counts epochs.
type UnitSetter interface {
	// SetUnit names what one unit of Add is ("column", "step"). It is called before
	// the first Add.
	SetUnit(unit string)
}

// unitProgress starts a progress display counting unit, or a silent one.
func (env *Env) unitProgress(total int, desc, unit string) Progress {
	p := env.progress(total, desc)
	if u, ok := p.(UnitSetter); ok {
		u.SetUnit(unit)
	}
	return p
}

// progress starts a progress display, or a silent one when env has none.
func (env *Env) progress(total int, desc string) Progress {
	if env.Progress == nil {
		return noProgress{}
	}
	return env.Progress(total, desc)
}
