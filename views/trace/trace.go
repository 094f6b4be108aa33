// Package trace records when things happen, for the benchmarks that run
// the built binary: with DSBROWSE_TRACE=FILE set, Mark appends a line
// "NAME UNIX-NANOSECONDS" to FILE the first time each name is marked
// (first-row: the first data row drawn; all-loaded: every row of the list
// loaded and sorted into view); Note records a count the same way
// (requests: the requests the list's load sent). Unset, they cost an
// atomic load.
//
// The variable is for measuring only; it is not documented to users.
package trace

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Env names the file events are appended to.
const Env = "DSBROWSE_TRACE"

var (
	once sync.Once
	path string

	mu   sync.Mutex
	seen = map[string]bool{}
)

// On reports whether events are recorded.
func On() bool {
	once.Do(func() { path = os.Getenv(Env) })
	return path != ""
}

// Mark records name with the time now, once per process.
func Mark(name string) {
	if !On() {
		return
	}
	Note(name, time.Now().UnixNano())
}

// Note records name with a value (a count), once per process.
func Note(name string, v int64) {
	if !On() {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	if seen[name] {
		return
	}
	seen[name] = true
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return // measuring must never break the program
	}
	fmt.Fprintf(f, "%s %d\n", name, v)
	_ = f.Close()
}
