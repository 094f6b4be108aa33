package detail

import (
	"encoding/json"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// hugeSource is a source whose name and documentation are 10 MB each, as
// a hostile or broken server could send, with its raw JSON as the client
// keeps it.
func hugeSource() *apiclient.DataSource {
	name := strings.Repeat("Sales ", 10<<20/6) + "end of the name"
	doc := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n", 10<<20/57) + "end of the documentation"
	raw, _ := json.Marshal(map[string]any{"id": 7, "name": name, "documentation": doc, "status": "passed"})
	return &apiclient.DataSource{ID: 7, Name: name, Documentation: doc, Status: "passed", Raw: raw}
}

// answer is the message the view's request for src answers with: the
// source and what the command works out from it, off the event loop.
func answer(src *apiclient.DataSource) sourceMsg {
	return sourceMsg{id: src.ID, src: src, der: derive(src, 120)}
}

// openWith shows src in a fresh detail view, as its answer arriving does.
func openWith(msg sourceMsg, w, h int) *Model {
	m := New(testContext(nil), msg.id, "")
	m.SetSize(w, h)
	m.load()
	m.Update(msg)
	return m
}

// What is drawn of a 10 MB name and documentation is clipped: the header
// is one line, the documentation a bounded number of lines that say where
// the rest is, and the raw JSON keeps the whole of both.
func TestHugeSourceIsClipped(t *testing.T) {
	src := hugeSource()
	m := openWith(answer(src), 100, 30)
	out := m.View()
	viewtest.CheckBounds(t, out, 100, 30)
	if title := m.Title(); len(title) > 1024 {
		t.Errorf("the title is %d bytes", len(title))
	}
	if n := len(m.lines); n > 2000 {
		t.Errorf("the page is %d lines long", n)
	}
	page := ansi.Strip(strings.Join(m.lines, "\n"))
	if !strings.Contains(page, "Lorem ipsum") || !strings.Contains(page, "raw JSON") {
		t.Errorf("the documentation is not shown cut, with a pointer to the raw JSON:\n%s", page[max(len(page)-2000, 0):])
	}
	if !strings.Contains(m.rawText, "end of the documentation") || !strings.Contains(m.rawText, "end of the name") {
		t.Error("the raw JSON lost the end of the name or the documentation")
	}
}

func BenchmarkHugeSource(b *testing.B) {
	src := hugeSource()
	msg := answer(src)
	const w, h = 120, 40
	down := tea.KeyMsg{Type: tea.KeyDown}
	b.Run("prepare", func(b *testing.B) {
		// What the request's command works out, off the event loop.
		for b.Loop() {
			_ = derive(src, 120)
		}
	})
	b.Run("open", func(b *testing.B) {
		// The answer arriving and the first frame: what the event loop
		// does while keys wait.
		for b.Loop() {
			m := openWith(msg, w, h)
			_ = m.View()
		}
	})
	b.Run("scroll", func(b *testing.B) {
		m := openWith(msg, w, h)
		for b.Loop() {
			m.Update(down)
			_ = m.View()
		}
	})
	b.Run("raw", func(b *testing.B) {
		// J: the raw JSON, which keeps every byte.
		m := openWith(msg, w, h)
		y := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'J'}}
		for b.Loop() {
			m.Update(y)
			_ = m.View()
		}
	})
	b.Run("resize", func(b *testing.B) {
		m := openWith(msg, w, h)
		for i := 0; b.Loop(); i++ {
			m.SetSize(w-i%2, h)
			_ = m.View()
		}
	})
}
