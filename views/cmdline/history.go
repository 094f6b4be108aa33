package cmdline

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"
)

// HistoryFile is the history's name in the state directory.
const HistoryFile = "command_history"

// MaxHistory is how many commands the history keeps (the oldest go first),
// and MaxLine the longest command kept, in bytes.
const (
	MaxHistory = 200
	MaxLine    = 512
)

// History is the command line's history: oldest first, bounded, saved to
// a file (the user's only) that is replaced whole, so a crash mid-write
// leaves the old history, never half of one.
type History struct {
	path    string
	entries []string
	mu      sync.Mutex // serialises saves, which run off the UI goroutine
}

// LoadHistory reads the history at path; a missing or unreadable file is
// an empty history (it is only a convenience). path "" keeps nothing.
func LoadHistory(path string) *History {
	h := &History{path: path}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	defer func() { _ = f.Close() }()
	// A file bigger than the history can be is read only so far: its
	// last lines are the newest, but a file this size was not written by
	// us and is not worth more.
	sc := bufio.NewScanner(io.LimitReader(f, MaxHistory*(MaxLine+1)))
	sc.Buffer(make([]byte, 0, 4096), MaxLine+1)
	for sc.Scan() {
		if l := clean(sc.Text()); l != "" {
			h.entries = append(h.entries, l)
		}
	}
	if n := len(h.entries); n > MaxHistory {
		h.entries = h.entries[n-MaxHistory:]
	}
	return h
}

// clean makes a line fit for the history: one line, valid UTF-8, bounded.
func clean(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	for len(s) > MaxLine {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// Entries is the history, oldest first (a copy).
func (h *History) Entries() []string { return append([]string(nil), h.entries...) }

// Add puts line last; an earlier copy of it is dropped, so walking back
// meets each command once.
func (h *History) Add(line string) {
	line = clean(line)
	if line == "" {
		return
	}
	out := h.entries[:0:0]
	for _, e := range h.entries {
		if e != line {
			out = append(out, e)
		}
	}
	out = append(out, line)
	if n := len(out); n > MaxHistory {
		out = out[n-MaxHistory:]
	}
	h.entries = out
}

// Save writes entries (a snapshot taken by the caller on the UI
// goroutine) to the history file: beside it, then renamed over it, mode
// 0600, in a directory only the user can enter.
func (h *History) Save(entries []string) error {
	if h.path == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	dir := filepath.Dir(h.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var b bytes.Buffer
	for _, e := range entries {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(h.path)+".*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), h.path)
}
