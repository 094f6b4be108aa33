package detail

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// / searches the page: enter shows the first match under the top of the
// screen, marked, the search line says which of how many; n and N step;
// esc clears the search before it leaves anything else. The same in the
// raw JSON.
func TestSearchWithinTheText(t *testing.T) {
	m, _ := open(t, seeded(t), 26, "Dbo Customer Data", 100, 12)
	press(t, m, "/")
	if !m.CapturesInput() {
		t.Fatal("typing a search must take the keys")
	}
	press(t, m, "s", "n", "o", "w", "enter")
	if m.CapturesInput() {
		t.Fatal("enter should end the typing")
	}
	v := m.View()
	if !strings.Contains(v, "/snow  1 of ") || !strings.Contains(v, "n/N next/prev") {
		t.Fatalf("the search line is missing:\n%s", v)
	}
	n := len(m.find.Lines)
	if n < 2 {
		t.Fatalf("want several matches of snow, got %d", n)
	}
	first := m.find.Line()
	press(t, m, "n")
	if m.find.Line() == first || !strings.Contains(m.View(), "2 of ") {
		t.Errorf("n should go to the next match:\n%s", m.View())
	}
	press(t, m, "N")
	if m.find.Line() != first {
		t.Errorf("N should come back to %d, at %d", first, m.find.Line())
	}
	if _, ok := m.Back(); !ok || m.find.Query != "" || strings.Contains(m.View(), "/snow") {
		t.Fatal("esc should clear the search first")
	}
	if _, ok := m.Back(); ok {
		t.Fatal("with nothing to clear, esc is the root's")
	}

	press(t, m, "J") // raw JSON
	press(t, m, "/")
	press(t, m, "\"", "n", "a", "m", "e", "\"", "enter")
	if m.find.Line() < 0 || !strings.Contains(m.View(), `"name"`) {
		t.Fatalf("the raw JSON search found nothing:\n%s", m.View())
	}
	press(t, m, "/")
	press(t, m, "esc")
	if m.CapturesInput() || m.find.Query == "" {
		t.Error("esc while typing keeps the search that was on")
	}
}

// The search line takes the keymap's accept and back, rebound or not.
func TestSearchKeysFollowTheKeymap(t *testing.T) {
	sess := testContext(seeded(t))
	keys, err := sess.Keys.Apply(map[string][]string{"accept": {"ctrl+j"}, "back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	sess.Keys = keys
	m := New(sess, 26, "Dbo Customer Data")
	m.SetSize(100, 12)
	feed(t, m, viewtest.CollectAll(m.Init())...)
	press(t, m, "/", "s", "n", "o", "w")
	feed(t, m, tea.KeyMsg{Type: tea.KeyCtrlJ})
	if m.CapturesInput() || m.find.Query != "snow" {
		t.Fatalf("a rebound accept did not run the search (query %q)", m.find.Query)
	}
	press(t, m, "/")
	if h := m.ShortHelp(); len(h) != 2 || h[0].Help() != (key.Help{Key: "ctrl+j", Desc: "find"}) || h[1].Help() != (key.Help{Key: "ctrl+g", Desc: "cancel"}) {
		t.Errorf("the footer does not name the rebound keys: %+v", h)
	}
	feed(t, m, tea.KeyMsg{Type: tea.KeyCtrlG})
	if m.CapturesInput() {
		t.Error("a rebound back did not end the typing")
	}
	press(t, m, "/")
	press(t, m, "esc")
	if !m.CapturesInput() {
		t.Error("esc still acts as back once back is rebound")
	}
}
