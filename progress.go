package antipersona

import "context"

// Progress receives the progress of a long task: step of steps done (0 ≤
// step ≤ steps), now in stage, a lowercase code such as "features" or
// "decisions". It must be safe for concurrent use and fast: the task waits
// for it.
type Progress func(stage string, step, steps int)

type progressKey struct{}

// WithProgress returns a context whose long tasks report to p.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ReportProgress tells the Progress of ctx, if any, that step of steps
// are done and the task is now in stage.
func ReportProgress(ctx context.Context, stage string, step, steps int) {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		p(stage, step, steps)
	}
}
