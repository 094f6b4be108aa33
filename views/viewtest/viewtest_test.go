package viewtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
)

type (
	slowMsg  struct{}
	quickMsg struct{ n int }
)

func TestCollectAndCollectAll(t *testing.T) {
	slow := func() tea.Msg { time.Sleep(2 * quick); return slowMsg{} }
	cmd := tea.Batch(
		views.Track("slow", slow),
		func() tea.Msg { return quickMsg{1} },
		views.Emit(views.RequestDoneMsg{Msg: quickMsg{2}}),
	)
	if got := Collect(cmd); len(got) != 2 || got[0] != (quickMsg{1}) || got[1] != (quickMsg{2}) {
		t.Errorf("Collect = %#v, want the quick messages only", got)
	}
	got := CollectAll(cmd)
	if len(got) != 3 || got[2] != (slowMsg{}) {
		t.Errorf("CollectAll = %#v, want the slow one too, last", got)
	}
	if got := CollectAll(nil); got != nil {
		t.Errorf("CollectAll(nil) = %#v", got)
	}
}

func TestSeed(t *testing.T) {
	var r apiclient.VisibilityReport
	Seed(t, "my_visibility_report.json", &r)
	if r.DataSource != 16 || r.DataSourceName != "Web Sales" {
		t.Errorf("seed read as %+v", r)
	}
	if len(SeedBytes(t, "get_22.json")) == 0 {
		t.Error("no bytes")
	}
}

func TestUnimplemented(t *testing.T) {
	var api views.API = Unimplemented{}
	if _, err := api.GetDataSource(context.Background(), 1); !errors.Is(err, ErrNotImplemented) {
		t.Errorf("err = %v", err)
	}
}

// echoView records what reaches it and asks for one tracked request.
type echoView struct {
	got  []tea.Msg
	w, h int
}

func (v *echoView) Init() tea.Cmd {
	return views.Track("load", func() tea.Msg {
		return tea.BatchMsg{views.Emit(quickMsg{1}), views.Error("x", errors.New("boom"))}
	})
}
func (v *echoView) Update(msg tea.Msg) (views.View, tea.Cmd) {
	v.got = append(v.got, msg)
	return v, nil
}
func (v *echoView) View() string              { return "" }
func (v *echoView) SetSize(w, h int)          { v.w, v.h = w, h }
func (v *echoView) Title() string             { return "" }
func (v *echoView) ShortHelp() []key.Binding  { return nil }
func (v *echoView) FullHelp() [][]key.Binding { return nil }
func (v *echoView) CapturesInput() bool       { return false }

func TestHarness(t *testing.T) {
	v := &echoView{}
	h := &Harness{V: v}
	h.Update(tea.WindowSizeMsg{Width: 30, Height: 4})
	if v.w != 30 || v.h != 4 {
		t.Fatalf("size %dx%d", v.w, v.h)
	}
	// The tracked request is run and its result (a batch) handed back; the
	// error in it is the root's.
	drain(h.Init(), runNow, func(msg tea.Msg) []tea.Cmd {
		if b, ok := msg.(tea.BatchMsg); ok { // Bubble Tea runs batches itself
			return b
		}
		_, cmd := h.Update(msg)
		return []tea.Cmd{cmd}
	})
	if h.Done != 1 {
		t.Errorf("Done = %d, want 1", h.Done)
	}
	if len(v.got) != 1 || v.got[0] != (quickMsg{1}) {
		t.Errorf("the view got %#v", v.got)
	}
	// Once Ready, the harness quits.
	h.Ready = func() bool { return true }
	if _, cmd := h.Update(quickMsg{2}); cmd == nil || cmd() != tea.Quit() {
		t.Error("a ready harness did not quit")
	}
}
