package stage

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// HeaderStack carries, on a dead letter, where a handler panicked.
const HeaderStack = "Pantau-Stack"

// PanicError is a handler's panic, turned into a permanent failure of its
// message.
type PanicError struct {
	Value any
	Stack string // the innermost frames, outermost last: "pkg.Func (file.go:12) < ..."
}

func (e *PanicError) Error() string {
	at, _, _ := strings.Cut(e.Stack, " < ")
	return fmt.Sprintf("panic: %v (at %s)", e.Value, at)
}

// call runs f; a panic in f becomes a permanent *PanicError.
func (l *loop) call(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			l.Metrics.Panics.WithLabelValues(l.Name).Inc()
			err = Permanent(&PanicError{Value: r, Stack: stackSummary(8)})
		}
	}()
	return f()
}

// modulePrefix is trimmed from function names in stack summaries.
const modulePrefix = "github.com/diskominfo-kaltim/pantau/"

// stackSummary names up to n frames of the panicking goroutine, from the
// panic outwards, without the runtime's frames and stopping at the loop.
// It is called from the deferred recover, which runs on top of the
// panicking frames.
func stackSummary(n int) string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	var out []string
	for len(out) < n {
		f, more := frames.Next()
		name := strings.TrimPrefix(f.Function, modulePrefix)
		if strings.HasPrefix(name, "stage.(*loop).call") {
			break
		}
		if !strings.HasPrefix(f.Function, "runtime.") && f.Function != "" {
			out = append(out, fmt.Sprintf("%s (%s:%d)", name, filepath.Base(f.File), f.Line))
		}
		if !more {
			break
		}
	}
	return strings.Join(out, " < ")
}
