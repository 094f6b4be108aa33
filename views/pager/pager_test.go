package pager

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func wheel(b tea.MouseButton, a tea.MouseAction) tea.MouseMsg {
	return tea.MouseMsg{Button: b, Action: a}
}

// numbered is n lines "line 1"... "line n".
func numbered(n int) string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d", i+1)
	}
	return strings.Join(lines, "\n")
}

func firstLine(p *Model) string { return strings.TrimRight(strings.SplitN(p.View(), "\n", 2)[0], " ") }

func TestWheel(t *testing.T) {
	cases := []struct {
		msg  tea.MouseMsg
		want int
	}{
		{wheel(tea.MouseButtonWheelUp, tea.MouseActionPress), -WheelLines},
		{wheel(tea.MouseButtonWheelDown, tea.MouseActionPress), WheelLines},
		{wheel(tea.MouseButtonWheelDown, tea.MouseActionRelease), 0},
		{wheel(tea.MouseButtonLeft, tea.MouseActionPress), 0},
		{wheel(tea.MouseButtonNone, tea.MouseActionMotion), 0},
	}
	for _, c := range cases {
		if got := Wheel(c.msg); got != c.want {
			t.Errorf("Wheel(%v) = %d, want %d", c.msg, got, c.want)
		}
	}
}

func TestScrolling(t *testing.T) {
	keys := keymap.Default()
	p := New(&keys)
	if !p.SetSize(20, 5) {
		t.Fatal("the first size is a change of width")
	}
	p.SetContent(numbered(30))
	steps := []struct {
		msg  tea.Msg
		want string
	}{
		{viewtest.KeyMsg("j"), "line 2"},
		{wheel(tea.MouseButtonWheelDown, tea.MouseActionPress), "line 5"},
		{wheel(tea.MouseButtonWheelUp, tea.MouseActionPress), "line 2"},
		{viewtest.KeyMsg("pgdown"), "line 7"},
		{viewtest.KeyMsg("pgup"), "line 2"},
		{viewtest.KeyMsg("G"), "line 26"},
		{viewtest.KeyMsg("j"), "line 26"},
		{viewtest.KeyMsg("g"), "line 1"},
		{viewtest.KeyMsg("k"), "line 1"},
	}
	for i, s := range steps {
		if !p.Update(s.msg) {
			t.Fatalf("step %d: %v not handled", i, s.msg)
		}
		if got := firstLine(&p); got != s.want {
			t.Fatalf("step %d (%v): top line %q, want %q", i, s.msg, got, s.want)
		}
	}
	for _, msg := range []tea.Msg{viewtest.KeyMsg("r"), viewtest.KeyMsg("y"), tea.KeyMsg{Type: tea.KeyEnter}, tea.WindowSizeMsg{}} {
		if p.Update(msg) {
			t.Errorf("%v handled; it is the view's", msg)
		}
	}

	// The keys are read when they arrive: a rebinding applies at once.
	keys.Down = key.NewBinding(key.WithKeys("n"))
	p.Update(viewtest.KeyMsg("n"))
	if got := firstLine(&p); got != "line 2" {
		t.Errorf("after a rebound down: %q", got)
	}
}

func TestSizeAndView(t *testing.T) {
	keys := keymap.Default()
	p := New(&keys)
	p.SetSize(10, 4)
	p.SetContent("a heading that is long\n" + numbered(10))
	p.Update(viewtest.KeyMsg("G"))
	if p.SetSize(10, 8) {
		t.Error("a new height is not a change of width")
	}
	if got := firstLine(&p); got != "line 3" {
		t.Errorf("taller: the offset was not kept within the content: %q", got)
	}
	if !p.SetSize(6, 8) || p.Width() != 6 {
		t.Error("a new width was not reported")
	}
	for _, sz := range [][2]int{{6, 8}, {3, 2}, {1, 1}, {0, 5}, {5, 0}, {-3, -3}} {
		p.SetSize(sz[0], sz[1])
		out := p.View()
		w, h := max(sz[0], 0), max(sz[1], 0)
		if w == 0 || h == 0 {
			if out != "" {
				t.Errorf("%v: drew %q", sz, out)
			}
			continue
		}
		lines := strings.Split(out, "\n")
		if len(lines) > h {
			t.Errorf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Errorf("%v: %q is too wide", sz, l)
			}
		}
	}
}

func descs(bs []key.Binding) string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Help().Desc)
	}
	return strings.Join(out, ",")
}

func TestHelp(t *testing.T) {
	keys := keymap.Default()
	p := New(&keys)
	p.SetSize(20, 5)
	p.SetContent(numbered(3))
	raw := RawToggle(keys.Raw, false)
	if got := descs(p.ShortHelp(raw, keys.Refresh)); got != "raw JSON,refresh" {
		t.Errorf("short help, nothing to scroll: %s", got)
	}
	if got := p.FullHelp(keys.Refresh); len(got) != 1 || descs(got[0]) != "refresh" {
		t.Errorf("full help, nothing to scroll: %v", got)
	}
	p.SetContent(numbered(30))
	if got := descs(p.ShortHelp(RawToggle(keys.Raw, true), keys.Refresh)); got != "up,down,page down,readable view,refresh" {
		t.Errorf("short help: %s", got)
	}
	full := p.FullHelp(raw, keys.Refresh)
	if len(full) != 2 || descs(full[0]) != "up,down,page up,page down,top,bottom" || descs(full[1]) != "raw JSON,refresh" {
		t.Errorf("full help: %v", full)
	}
	if b := RawToggle(keys.Raw, true); b.Help().Key != "J" || !key.Matches(viewtest.KeyMsg("J"), b) {
		t.Errorf("RawToggle: %+v", b.Help())
	}
	if keys.Raw.Help().Desc != "raw JSON" {
		t.Error("RawToggle changed the keymap's binding")
	}
}

// Offset says which line is first on screen (the ? help's "more below"
// note reads it), and GotoTop brings the first line back.
func TestOffsetAndGotoTop(t *testing.T) {
	keys := keymap.Default()
	p := New(&keys)
	p.SetSize(20, 5)
	p.SetContent(numbered(30))
	if p.Offset() != 0 {
		t.Fatalf("offset of a new page = %d", p.Offset())
	}
	p.Update(viewtest.KeyMsg("pgdown"))
	if got := p.Offset(); got != 5 || firstLine(&p) != "line 6" {
		t.Fatalf("after page down: offset %d, first line %q", got, firstLine(&p))
	}
	p.GotoTop()
	if got := p.Offset(); got != 0 || firstLine(&p) != "line 1" {
		t.Fatalf("after GotoTop: offset %d, first line %q", got, firstLine(&p))
	}
}
