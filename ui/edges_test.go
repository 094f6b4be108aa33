package ui

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/exp/teatest"
)

// crumb is the breadcrumb line of the screen.
func crumb(m *Model) string { return strings.Split(screen(m), "\n")[1] }

// The ? help at 80×24 shows the list's keys in named groups and the keys
// that work everywhere (: L ^z), as this golden fixes.
func TestGoldenHelpAt80x24(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 80, 24, nil)
		run(t, m, press("?"))
		teatest.RequireEqualOutput(t, []byte(screen(m)))
	})
}

// The help scrolls with the movement keys and stays open meanwhile; any
// other key closes it.
func TestHelpScrollsAndStaysOpen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 80, 24, nil)
		run(t, m, press(":"))
		for _, r := range "help" {
			run(t, m, press(string(r)))
		}
		run(t, m, press("enter"))
		first := screen(m)
		if !strings.Contains(first, "more below") || strings.Contains(first, ":q ") {
			t.Fatalf(":help at 80×24 should say there is more below, the last command hidden:\n%s", first)
		}
		run(t, m, press("G"))
		if !m.showHelp {
			t.Fatal("G closed the help instead of scrolling it")
		}
		end := screen(m)
		if !strings.Contains(end, ":q ") || !strings.Contains(end, "end") {
			t.Fatalf("G should show the end of the help:\n%s", end)
		}
		run(t, m, press("k"))
		run(t, m, press("g"))
		if !m.showHelp || screen(m) != first {
			t.Fatalf("g should scroll back to the top, help open:\n%s", screen(m))
		}
		for range 5 {
			run(t, m, press("j"))
		}
		if !m.showHelp {
			t.Fatal("j closed the help")
		}
		run(t, m, press("x"))
		if m.showHelp {
			t.Fatal("another key should close the help")
		}
		for _, l := range strings.Split(screen(m), "\n") {
			if len([]rune(l)) > 80 {
				t.Fatalf("a line is wider than 80: %q", l)
			}
		}
	})
}

// Every view opened for a source names it in the breadcrumb, whether it
// was opened from the list or from the source's detail (named once).
func TestBreadcrumbNamesTheSource(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		run(t, m, press("enter"))
		name := strings.TrimPrefix(crumb(m), "Data sources › ")
		name = strings.TrimRight(name, " ")
		if name == "" || strings.Contains(name, "›") {
			t.Fatalf("the detail's crumb should be its name: %q", crumb(m))
		}
		run(t, m, press("esc"))
		for _, k := range []struct{ key, title string }{{"a", "Access"}, {"v", "My visibility"}, {"C", "Columns"}} {
			run(t, m, press(k.key))
			want := "Data sources › " + name + " › " + k.title
			if got := strings.TrimRight(crumb(m), " "); got != want {
				t.Errorf("%s from the list: breadcrumb %q, want %q", k.key, got, want)
			}
			run(t, m, press("esc"))
			run(t, m, press("enter"))
			run(t, m, press(k.key))
			if got := strings.TrimRight(crumb(m), " "); got != want {
				t.Errorf("%s from the detail: breadcrumb %q, want %q", k.key, got, want)
			}
			run(t, m, press("esc"))
			run(t, m, press("esc"))
			if len(m.stack) != 1 {
				t.Fatalf("esc esc should be back at the list: %d views", len(m.stack))
			}
		}
	})
}
