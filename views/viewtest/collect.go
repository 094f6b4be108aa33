package viewtest

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// Collect runs cmd without a view, as the root would: batches are
// unwrapped, tracked requests (RequestStartMsg) are run, and every other
// message that results is returned in order. Timers (blink, spinner) are
// dropped, and so is a command that takes longer than a timer would. Use
// it for commands that answer a message for the root, such as a command
// that opens a modal.
func Collect(cmd tea.Cmd) []tea.Msg { return collect(cmd, runQuick) }

// CollectAll is Collect waiting for every command however long it takes:
// for views without timers, and for a test that ends a request blocked in
// the API (by closing the view) to see what it answers.
func CollectAll(cmd tea.Cmd) []tea.Msg { return collect(cmd, runNow) }

func collect(cmd tea.Cmd, run func(tea.Cmd) (tea.Msg, bool)) []tea.Msg {
	var out []tea.Msg
	drain(cmd, run, func(msg tea.Msg) []tea.Cmd {
		if cmds, ok := expand(msg); ok {
			return cmds
		}
		switch m := msg.(type) {
		case views.RequestDoneMsg:
			out = append(out, m.Msg)
		default:
			if !isTimer(msg) {
				out = append(out, msg)
			}
		}
		return nil
	})
	return out
}

// drain runs cmd and every command that follows from it, in order: each
// message goes to deliver, and the commands it returns run next. run
// executes one command; it reports false for one it gave up on.
func drain(cmd tea.Cmd, run func(tea.Cmd) (tea.Msg, bool), deliver func(tea.Msg) []tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		if msg, ok := run(c); ok && msg != nil {
			queue = append(queue, deliver(msg)...)
		}
	}
}

// expand returns the commands a batch or a tracked request stands for, as
// the root runs them; false for any other message.
func expand(msg tea.Msg) ([]tea.Cmd, bool) {
	switch m := msg.(type) {
	case tea.BatchMsg:
		return m, true
	case views.RequestStartMsg:
		return []tea.Cmd{m.Run}, true
	}
	return nil, false
}

// forRoot reports whether msg is meant for the root (navigation, status,
// errors, broadcasts) rather than for the view that sent it.
func forRoot(msg tea.Msg) bool {
	switch msg.(type) {
	case views.PushMsg, views.PopMsg, views.OpenModalMsg, views.CloseModalMsg, views.StatusMsg, views.ErrorMsg,
		views.OpenSourceMsg, views.OpenAccessMsg, views.OpenMyVisibilityMsg, views.OpenUserViewMsg,
		views.SourceChangedMsg, views.SourceRemovedMsg, views.SourcesAddedMsg:
		return true
	}
	return false
}

// isTimer reports a cursor blink or spinner tick: their loops never end.
func isTimer(msg tea.Msg) bool {
	n := typeName(msg)
	return strings.HasPrefix(n, "cursor.") || strings.HasPrefix(n, "spinner.")
}

func runNow(c tea.Cmd) (tea.Msg, bool) { return c(), true }
