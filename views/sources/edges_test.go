package sources

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// Clearing a filter keeps the cursor on the row that was selected, shown
// in its place among all the rows (not the top of the list).
func TestClearingAFilterKeepsTheSelectedRow(t *testing.T) {
	for _, how := range []string{"esc after enter", "esc while typing", "enter without moving"} {
		t.Run(how, func(t *testing.T) {
			api := &viewtest.FakeAPI{Sources: viewtest.GenSources(600)}
			d, m := newList(t, api, 100, 20)
			d.Key("/")
			d.Type("web")
			if how != "enter without moving" {
				d.Key("down")
				d.Key("down")
			}
			want, ok := m.Selected()
			if !ok {
				t.Fatal("nothing selected in the filtered list")
			}
			if how == "esc while typing" {
				d.Key("esc")
			} else {
				d.Key("enter")
				cmd, ok := m.Back()
				if !ok {
					t.Fatal("esc should clear the filter")
				}
				d.Run(cmd)
			}
			if strings.Contains(d.Screen(), "match") {
				t.Fatalf("the filter is still on:\n%s", d.Screen())
			}
			got, ok := m.Selected()
			if !ok || got.ID != want.ID {
				t.Fatalf("after clearing the filter the cursor is on %d %q, want %d %q", got.ID, got.Name, want.ID, want.Name)
			}
			if !strings.Contains(d.Screen(), "› "+want.Name) {
				t.Errorf("the selected row is not shown under the cursor:\n%s", d.Screen())
			}
		})
	}
}
