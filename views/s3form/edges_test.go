package s3form_test

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// An empty form closes on esc at once: there is nothing to lose.
func TestEscOnAnEmptyFormCloses(t *testing.T) {
	_, sess := fixture()
	drv, m := open(t, sess, 100, 30)
	drv.Key("esc")
	if !m.Closed() {
		t.Fatal("esc on an empty form should close it")
	}
}

// A rebound back key does what esc does by default (close an empty form,
// ask first when something is typed); esc then is not back.
func TestReboundBack(t *testing.T) {
	_, sess := fixture()
	keys, err := sess.Keys.Apply(map[string][]string{"back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	sess.Keys = keys
	drv, m := open(t, sess, 100, 30)
	drv.Key("esc")
	if m.Closed() {
		t.Fatal("esc closed the form, but back is ctrl+g")
	}
	typeText(drv, "2")
	drv.Send(tea.KeyMsg{Type: tea.KeyCtrlG})
	if m.Closed() {
		t.Fatal("the back key threw typed input away without asking")
	}
	drv.Key("y")
	if !m.Closed() {
		t.Fatal("back then y did not close the form")
	}
}

// ctrl+d removes the focused pair, the others keep their values and are
// renumbered; the last pair cannot go; what is sent is the pairs left.
func TestRemovePair(t *testing.T) {
	api, sess := fixture()
	drv, m := open(t, sess, 100, 40)
	fill(drv, "2", "one", "s3://b/1/")
	move(drv, "ctrl+n")
	typeText(drv, "two")
	move(drv, "tab")
	typeText(drv, "s3://b/2/")
	move(drv, "ctrl+n")
	typeText(drv, "three")
	move(drv, "tab")
	typeText(drv, "s3://b/3/")
	wantValues(t, m, "2", "one", "s3://b/1/", "two", "s3://b/2/", "three", "s3://b/3/")
	move(drv, "shift+tab", "shift+tab", "shift+tab") // the prefix of pair 2
	drv.Key("ctrl+d")
	wantValues(t, m, "2", "one", "s3://b/1/", "three", "s3://b/3/")
	wantScreen(t, drv, "Data source name #2", "2 pair(s)")
	if strings.Contains(drv.Screen(), "#3") {
		t.Errorf("pair #3 should be renumbered #2:\n%s", drv.Screen())
	}
	drv.Key("ctrl+d")
	drv.Key("ctrl+d")
	wantValues(t, m, "2", "one", "s3://b/1/")
	if st, ok := viewtest.Last[views.StatusMsg](drv); !ok || !strings.Contains(st.Text, "one pair at least") {
		t.Errorf("removing the last pair should say it cannot: %+v", st)
	}
	drv.Key("ctrl+s")
	wantCreates(t, api, "s3 create 2 [{one s3://b/1/}]")
}

// The hint line says every key and fits an 80-column terminal uncut.
func TestHintFitsAt80(t *testing.T) {
	_, sess := fixture()
	drv, _ := open(t, sess, 80, 20) // the body of an 80×24 terminal
	found := false
	for _, l := range strings.Split(drv.Screen(), "\n") {
		if strings.Contains(l, "pair(s)") {
			found = true
			if strings.Contains(l, "…") || !strings.Contains(l, "esc cancel") || !strings.Contains(l, "ctrl+d remove") {
				t.Errorf("the hint is cut or lacks a key: %q", l)
			}
		}
		if ansi.StringWidth(l) > 80 {
			t.Errorf("a line wider than the body: %q", l)
		}
	}
	if !found {
		t.Fatalf("no hint line:\n%s", drv.Screen())
	}
}
