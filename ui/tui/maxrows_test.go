package tui

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/sources"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// The profile's max_rows (views.Settings.MaxRows) is the cap the list stops at.
func TestMaxRowsCapsTheList(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(700)}
	sess := NewSession(Options{Session: views.Session{API: api, Settings: views.Settings{PageSize: 100, Concurrency: 2, MaxRows: 250}}})
	m := sources.New(sess)
	d := viewtest.New(t, m, 120, 10)
	if loaded, _ := m.Counts(); loaded != 250 {
		t.Errorf("loaded %d rows, want the cap, 250", loaded)
	}
	if h := strings.SplitN(d.Screen(), "\n", 2)[0]; !strings.Contains(h, "250 of 700 loaded (stopped at the 250-row cap)") {
		t.Errorf("header %q", h)
	}
}
