package stage

// SetCrashHook lets tests abandon a writer at a named point ("fetched",
// "written"), as if the process died there.
func SetCrashHook(w *Writer, f func(point string) bool) { w.crashAt = f }
