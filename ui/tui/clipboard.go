package tui

// Copy to the clipboard through OSC 52: the terminal (or tmux with
// set-clipboard on) puts the text on the clipboard, which works over SSH
// where no local clipboard tool can be reached.

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"

	"github.com/dsbrowse/dsbrowse/views"
)

// MaxCopy bounds what one copy sends to the terminal: many terminals drop
// a longer OSC 52 sequence whole.
const MaxCopy = 1 << 20

// lockedOutput is the program's output with a lock: Bubble Tea writes each
// frame in one Write, and a copy writes its sequence between two frames,
// never inside one. It keeps the file's Fd, so Bubble Tea still sees a
// terminal (raw mode, size). (tea.Exec would hand a child this writer, a
// pipe to it, not the terminal: give such a child os.Stdout itself.)
type lockedOutput struct {
	*os.File
	mu sync.Mutex
}

// Bubble Tea takes an output that is a term.File for the terminal's size
// and modes.
var _ term.File = (*lockedOutput)(nil)

func (o *lockedOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.File.Write(p)
}

// WriteString is the renderer's path for single sequences (io.WriteString
// would otherwise reach the file's own, past the lock).
func (o *lockedOutput) WriteString(s string) (int, error) { return o.Write([]byte(s)) }

// SetClipboard sets where copies write their OSC 52 sequence: the
// program's output (Run does this), or a buffer in tests. nil turns copy
// off: the status line says so.
func (m *Model) SetClipboard(w io.Writer) { m.clip = w }

// osc52Seq is the sequence that copies text: plain OSC 52, which tmux
// takes itself with set-clipboard on; inside tmux also wrapped for
// passthrough, which reaches the outer terminal where tmux allows it
// (allow-passthrough on) and is dropped where it does not.
func osc52Seq(text string, tmux bool) string {
	s := osc52.New(text).String()
	if tmux {
		s += osc52.New(text).Tmux().String()
	}
	return s
}

// copyText writes msg's text to the clipboard and says in the status line
// what was copied.
func (m *Model) copyText(msg views.CopyMsg) tea.Cmd {
	what := msg.What
	if what == "" {
		what = "text"
	}
	switch {
	case m.clip == nil:
		return m.setStatus("cannot copy "+what+": no terminal to copy through", views.Warn)
	case msg.Text == "":
		return m.setStatus("nothing to copy: the "+what+" is empty", views.Warn)
	case len(msg.Text) > MaxCopy:
		return m.setStatus(fmt.Sprintf("not copied: the %s is %d bytes, more than a terminal takes (%d)", what, len(msg.Text), MaxCopy), views.Warn)
	}
	if _, err := io.WriteString(m.clip, osc52Seq(msg.Text, os.Getenv("TMUX") != "")); err != nil {
		return m.setStatus("copying "+what+" failed: "+err.Error(), views.Warn)
	}
	// One line: the status line clips it to the width.
	line := "copied " + what + ": " + strings.Join(strings.Fields(msg.Text), " ")
	if msg.Note != "" {
		line += " (" + msg.Note + ")"
	}
	return m.setStatus(line, views.Success)
}
