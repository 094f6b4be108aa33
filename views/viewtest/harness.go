package viewtest

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// Harness is the smallest root for teatest: it sizes the view, runs its
// tracked requests and hands their results back to it, keeps what is meant
// for the root away from it, and quits once it has a size and Ready says
// so. Without Ready the test quits it (tm.Quit).
type Harness struct {
	V views.View
	// Ready, when set, is asked after every message whether the view has
	// reached the state the test compares.
	Ready func() bool
	// Done counts the tracked requests that have answered.
	Done int

	sized bool
}

var _ tea.Model = (*Harness)(nil)

// Init starts the view.
func (h *Harness) Init() tea.Cmd { return h.V.Init() }

// Update routes msg as the root would.
func (h *Harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := h.route(msg)
	if h.sized && h.Ready != nil && h.Ready() {
		return h, tea.Batch(cmd, tea.Quit)
	}
	return h, cmd
}

func (h *Harness) route(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.V.SetSize(msg.Width, msg.Height)
		h.sized = true
		return nil
	case views.RequestStartMsg:
		run, label := msg.Run, msg.Label
		return func() tea.Msg { return views.RequestDoneMsg{Label: label, Msg: run()} }
	case views.RequestDoneMsg:
		h.Done++
		return h.route(msg.Msg)
	case tea.BatchMsg: // a request's result can be a batch
		return tea.Batch(msg...)
	case views.LatestMsg:
		if inner, ok := msg.Current(); ok && inner != nil {
			return h.route(inner)
		}
		return nil // stale: a newer command of its slot was made
	}
	if forRoot(msg) {
		return nil
	}
	v, cmd := h.V.Update(msg)
	h.V = v
	return cmd
}

// View draws the view.
func (h *Harness) View() string { return h.V.View() }
