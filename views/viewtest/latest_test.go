package viewtest

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// latestView loads n on a slot: load(n) asks for it, the reply shows it.
type latestView struct {
	echoView
	slot views.Slot
}

func (v *latestView) load(n int) tea.Cmd {
	return views.TrackLatest(&v.slot, "load", func() tea.Msg { return quickMsg{n} })
}
func (v *latestView) Init() tea.Cmd { return nil }
func (v *latestView) Update(msg tea.Msg) (views.View, tea.Cmd) {
	v.got = append(v.got, msg)
	return v, nil
}

// The driver, Collect and the harness drop a reply whose slot has a newer
// command, as the root does: the view never sees it.
func TestSupersededRepliesAreDropped(t *testing.T) {
	v := &latestView{}
	d := New(t, v, 10, 10)
	first := v.load(1)
	d.Run(v.load(2))
	d.Run(first)
	if len(v.got) != 1 || v.got[0] != (quickMsg{2}) {
		t.Errorf("the driver delivered %#v, want only the newest reply", v.got)
	}

	old := Replies(v.load(3))
	if got := Collect(v.load(4)); len(got) != 1 || got[0] != (quickMsg{4}) {
		t.Errorf("Collect = %#v, want the reply unwrapped", got)
	}
	if len(old) != 1 {
		t.Fatalf("Replies = %#v", old)
	}
	if _, ok := Current(old[0]); ok {
		t.Error("Current kept a superseded reply")
	}
	if got, ok := Current(quickMsg{5}); !ok || got != (quickMsg{5}) {
		t.Errorf("Current(a plain message) = %#v, %v", got, ok)
	}
	if got := CollectAll(v.load(6)); len(got) != 1 || got[0] != (quickMsg{6}) {
		t.Errorf("CollectAll = %#v", got)
	}

	v.got = nil
	h := &Harness{V: v}
	stale := Replies(v.load(7))
	fresh := Replies(v.load(8))
	for _, msg := range append(fresh, stale...) {
		h.Update(msg)
	}
	if len(v.got) != 1 || v.got[0] != (quickMsg{8}) {
		t.Errorf("the harness delivered %#v, want only the newest reply", v.got)
	}
}
