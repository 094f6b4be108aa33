package tui

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/ansi"
)

// The commands part of :help fits 80 columns: the keys line lost
// "esc cancels" and :sort lost half its fields to the edge before.
func TestCommandHelpFits80(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 80, 24, nil)
		text := m.commandHelp()
		for _, l := range strings.Split(text, "\n") {
			if w := ansi.StringWidth(l); w > 80 {
				t.Errorf("%d columns: %q", w, ansi.Strip(l))
			}
		}
		for _, want := range []string{"esc cancels", ":sort FIELD [asc|desc]", "tab lists the fields"} {
			if !strings.Contains(ansi.Strip(text), want) {
				t.Errorf("no %q in:\n%s", want, ansi.Strip(text))
			}
		}
	})
}
