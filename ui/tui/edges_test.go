package tui

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
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

// A source the detail finds deleted (404) leaves the list at once: back
// in the list its row is gone.
func TestSourceFoundDeletedLeavesTheList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		m := newRoot(t, api, 100, 30, nil)
		sel := strings.TrimSpace(strings.TrimPrefix(strings.Split(screen(m), "\n")[4], "›"))
		name := strings.Fields(sel)[0] + " " + strings.Fields(sel)[1]
		api.GetErr = &apiclient.APIError{StatusCode: 404, Method: "GET", Path: "/dataSource/1", Message: "not found"}
		run(t, m, press("enter"))
		if !strings.Contains(screen(m), "no longer exists") {
			t.Fatalf("the detail should say the source is gone:\n%s", screen(m))
		}
		run(t, m, press("esc")) // dismisses the error line
		run(t, m, press("esc"))
		if len(m.stack) != 1 {
			t.Fatalf("not back at the list: %d views", len(m.stack))
		}
		if sc := screen(m); strings.Contains(sc, name) || !strings.Contains(sc, "39 of 40") && !strings.Contains(sc, "39 of 39") {
			t.Errorf("the deleted %q is still listed:\n%s", name, sc)
		}
	})
}

// After a load that failed before any row, r says what it does: the
// footer and ? offer "r retry the load".
func TestFailedStartSaysWhatRDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		api.ListErr = errors.New("connection refused")
		m := newRoot(t, api, 100, 30, nil)
		sc := screen(m)
		foot := strings.Split(sc, "\n")[29]
		if !strings.HasPrefix(foot, "r retry the load") {
			t.Errorf("footer %q should begin with r retry the load:\n%s", foot, sc)
		}
		run(t, m, press("esc"))
		run(t, m, press("?"))
		if !regexp.MustCompile(`r\s+retry the load`).MatchString(screen(m)) {
			t.Errorf("? should say r retries the load:\n%s", screen(m))
		}
		run(t, m, press("x"))
		api.ListErr = nil
		run(t, m, press("r"))
		if !strings.Contains(screen(m), "40 of 40 loaded") {
			t.Errorf("r should load again:\n%s", screen(m))
		}
	})
}

// notYours makes every source one the caller may subscribe to (subscribe
// leaves out the sources that are theirs already).
func notYours(api *viewtest.FakeAPI) *viewtest.FakeAPI {
	for i := range api.Sources {
		api.Sources[i].SubscriptionStatus = "not_subscribed"
	}
	return api
}
