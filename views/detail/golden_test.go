package detail

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/views"
)

// harness is a minimal root: it sizes the view, runs its tracked requests
// and hands their results back, and quits once the three first requests
// (source, parents, children) have answered and the size is known.
type harness struct {
	v     views.View
	sized bool
	done  int
}

func (h *harness) Init() tea.Cmd { return h.v.Init() }

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.v.SetSize(msg.Width, msg.Height)
		h.sized = true
	case views.RequestStartMsg:
		run, label := msg.Run, msg.Label
		return h, func() tea.Msg { return views.RequestDoneMsg{Label: label, Msg: run()} }
	case views.RequestDoneMsg:
		h.done++
		h.v, cmd = h.v.Update(msg.Msg)
	default:
		h.v, cmd = h.v.Update(msg)
	}
	if h.sized && h.done == 3 {
		return h, tea.Batch(cmd, tea.Quit)
	}
	return h, cmd
}

func (h *harness) View() string { return h.v.View() }

func TestGoldenSource26(t *testing.T) {
	m := New(testContext(seeded(t)), 26, "Dbo Customer Data")
	tm := teatest.NewTestModel(t, &harness{v: m}, teatest.WithInitialTermSize(100, 30))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	out := fm.View()
	checkBounds(t, out, 100, 30)
	teatest.RequireEqualOutput(t, []byte(out))
}
