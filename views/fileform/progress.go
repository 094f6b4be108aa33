package fileform

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// ProgressEvery spaces the status line's updates while a file is written:
// a fast writer wakes the UI at most this often, not once a row.
const ProgressEvery = 150 * time.Millisecond

// Watch is the command that reports a file written off the UI goroutine
// (an export, the access report): a status from line after each wake-up
// on notify, gathered over ProgressEvery, and itself again, until end is
// closed; then final's message. It runs without a view (the form has
// closed), so the root shows its statuses.
func Watch(end, notify <-chan struct{}, line func() string, final func() tea.Msg) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-end:
			return final()
		case <-notify:
		}
		t := time.NewTimer(ProgressEvery)
		defer t.Stop()
		select {
		case <-end:
			return final()
		case <-t.C:
		}
		return tea.BatchMsg{views.Status(line(), views.Info), Watch(end, notify, line, final)}
	}
}
