package viewtest

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// Collect runs cmd without a view, as the root would: batches are
// unwrapped, tracked requests (RequestStartMsg) are run, and every other
// message that results is returned in order. Timers (blink, spinner) are
// dropped. Use it for commands that answer a message for the root, such
// as a command that opens a modal.
func Collect(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg, ok := runQuick(c)
		if !ok || msg == nil {
			continue
		}
		switch m := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, m...)
		case views.RequestStartMsg:
			queue = append(queue, m.Run)
		case views.RequestDoneMsg:
			out = append(out, m.Msg)
		default:
			if n := typeName(msg); strings.HasPrefix(n, "cursor.") || strings.HasPrefix(n, "spinner.") {
				continue
			}
			out = append(out, msg)
		}
	}
	return out
}
