package detail

import (
	"strings"
	"testing"
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
