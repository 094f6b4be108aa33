package tui

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/cmdline"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// command types line on the : command line and presses enter.
func command(t *testing.T, m *Model, line string) {
	t.Helper()
	run(t, m, press(":"))
	if m.cl.open == nil {
		t.Fatalf(": did not open the command line:\n%s", screen(m))
	}
	for _, r := range line {
		run(t, m, press(string(r)))
	}
	run(t, m, press("enter"))
}

// lastQuery is the list's newest request to the server without size and
// offset (the loader's), parsed.
func lastQuery(t *testing.T, api *viewtest.FakeAPI) url.Values {
	t.Helper()
	qs := api.ListQueries()
	if len(qs) == 0 {
		t.Fatal("the list asked the server nothing")
	}
	v, err := url.ParseQuery(qs[len(qs)-1])
	if err != nil {
		t.Fatal(err)
	}
	v.Del("size")
	v.Del("offset")
	return v
}

func byName(extra url.Values) url.Values {
	v := url.Values{"sortField": {"name"}, "sortOrder": {"asc"}}
	for k, vs := range extra {
		v[k] = vs
	}
	return v
}

func TestCommandFailedAsksTheServerAndTheHeaderSaysSo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		m := newRoot(t, api, 110, 30, nil)
		if got := lastQuery(t, api); !reflect.DeepEqual(got, byName(nil)) {
			t.Fatalf("first load asked %v", got)
		}
		command(t, m, "failed")
		if got, want := lastQuery(t, api), byName(url.Values{"status": {"failed"}}); !reflect.DeepEqual(got, want) {
			t.Errorf("query %v, want %v", got, want)
		}
		scr := screen(m)
		if !strings.Contains(lines(scr)[0], "filter: status:failed") {
			t.Errorf("header does not say the filter:\n%s", scr)
		}
		if !strings.Contains(scr, "13 of 13 loaded") || strings.Contains(scr, " passed ") {
			t.Errorf("list not reloaded with failed sources only:\n%s", scr)
		}
		command(t, m, "all")
		if got := lastQuery(t, api); !reflect.DeepEqual(got, byName(nil)) {
			t.Errorf(":all asked %v", got)
		}
		if scr := screen(m); strings.Contains(lines(scr)[0], "filter:") || !strings.Contains(scr, "40 of 40 loaded") {
			t.Errorf(":all left:\n%s", scr)
		}
	})
}

// lines splits a screen.
func lines(s string) []string { return strings.Split(s, "\n") }

func TestEachCommandsRequest(t *testing.T) {
	for _, tc := range []struct {
		cmds []string
		want url.Values
	}{
		{[]string{"passed"}, url.Values{"status": {"passed"}}},
		{[]string{"failed", "passed"}, url.Values{"status": {"passed"}}},
		{[]string{"pending"}, url.Values{"subscription": {"pending"}}},
		{[]string{"mine"}, url.Values{"subscription": {"owner"}}},
		{[]string{"subscribed"}, url.Values{"subscription": {"subscribed"}}},
		{[]string{"tag PII", "tag GDPR"}, url.Values{"tag": {"PII", "GDPR"}}},
		{[]string{"handler Native S3"}, url.Values{"blobHandlerType": {"Native S3"}}},
		{[]string{"schema public", "schema sales"}, url.Values{"schema": {"sales"}}},
		{[]string{"search web sales"}, url.Values{"searchText": {"web sales"}}},
		{[]string{"failed", "sort recordCount desc"}, url.Values{"status": {"failed"}, "sortField": {"recordCount"}, "sortOrder": {"desc"}}},
		// They combine, each as the API description gives it.
		{[]string{"failed", "tag PII", "handler Snowflake", "handler Redshift", "schema public", "mine", "search orders"},
			url.Values{"status": {"failed"}, "tag": {"PII"}, "blobHandlerType": {"Snowflake", "Redshift"}, "schema": {"public"},
				"subscription": {"owner"}, "searchText": {"orders"}}},
	} {
		t.Run(strings.Join(tc.cmds, ","), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				api := fakeWithDetail()
				m := newRoot(t, api, 200, 30, nil)
				for _, c := range tc.cmds {
					command(t, m, c)
				}
				if got, want := lastQuery(t, api), byName(tc.want); !reflect.DeepEqual(got, want) {
					t.Errorf("query %v, want %v", got, want)
				}
				if l := cmdline.Label(m.Filter()); !strings.Contains(lines(screen(m))[0], "filter: "+l) {
					t.Errorf("header lacks %q:\n%s", l, screen(m))
				}
			})
		})
	}
}

func TestSavedViewAndServerSort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		m := newRoot(t, api, 120, 30, nil)
		m.SetCommands(Commands{Views: map[string]apiclient.ListOptions{
			"broken": {Status: []string{"failed"}, SortField: "createdAt", SortOrder: "desc"},
		}})
		run(t, m, press(":"))
		run(t, m, press("b"))
		run(t, m, press("tab"))
		if v := m.cl.open.Value(); v != "broken" {
			t.Errorf("b tab: %q", v)
		}
		run(t, m, press("enter"))
		want := url.Values{"status": {"failed"}, "sortField": {"createdAt"}, "sortOrder": {"desc"}}
		if got := lastQuery(t, api); !reflect.DeepEqual(got, want) {
			t.Errorf("query %v, want %v", got, want)
		}
		scr := screen(m)
		if !strings.Contains(lines(scr)[0], "filter: status:failed sort:createdAt↓") || !strings.Contains(scr, "CREATED↓") {
			t.Errorf("view not shown as such:\n%s", scr)
		}
	})
}

func TestUnknownCommandIsOneLineAndAsksNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		m := newRoot(t, api, 100, 30, nil)
		n := len(api.ListQueries())
		command(t, m, "nope")
		if !strings.Contains(screen(m), `unknown command ":nope" (tab lists the commands)`) {
			t.Errorf("no error line:\n%s", screen(m))
		}
		if len(api.ListQueries()) != n || m.cl.open != nil {
			t.Errorf("an unknown command asked the server or left the line open")
		}
	})
}

func TestCommandLineCapturesKeysAndEscCancels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		run(t, m, press(":"))
		run(t, m, press("q")) // typed, not quit
		if m.quitting || m.cl.open.Value() != "q" {
			t.Fatalf("q was not typed: quitting=%v", m.quitting)
		}
		if !strings.Contains(screen(m), ":q") {
			t.Errorf("line not shown:\n%s", screen(m))
		}
		run(t, m, press("esc"))
		if m.cl.open != nil || m.quitting {
			t.Error("esc did not close the line")
		}
		// : inside the / filter is typed there.
		run(t, m, press("/"))
		run(t, m, press(":"))
		if m.cl.open != nil {
			t.Error(": opened the command line while typing a filter")
		}
	})
}

func TestCommandHistoryPersistsAcrossRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dsbrowse", cmdline.HistoryFile)
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		m.SetCommands(Commands{HistoryPath: path})
		command(t, m, "failed")
		command(t, m, "tag PII")
	})
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("history file: %v %v", fi, err)
	}
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		m.SetCommands(Commands{HistoryPath: path})
		run(t, m, press(":"))
		run(t, m, press("up"))
		if v := m.cl.open.Value(); v != "tag PII" {
			t.Errorf("up: %q", v)
		}
		run(t, m, press("up"))
		if v := m.cl.open.Value(); v != "failed" {
			t.Errorf("up up: %q", v)
		}
	})
}

func TestCtxSwitchesProfile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		other := &viewtest.FakeAPI{Sources: viewtest.GenSources(5)}
		m := newRoot(t, api, 110, 30, nil)
		m.SetCommands(Commands{Profiles: []string{"test", "other"}, Open: func(name string) (*views.Session, error) {
			return &views.Session{API: other, Host: "other.example",
				Settings: views.Settings{Profile: name, ReadOnly: true, Protected: true, PageSize: 100, Concurrency: 2}}, nil
		}})
		styles := m.sess.Styles
		command(t, m, "failed")
		run(t, m, press("enter")) // the detail: :ctx closes it
		// Not under a write flow: its result would have no screen left.
		claim, _, _ := m.sess.Writes().Claim([]int64{3})
		command(t, m, "ctx other")
		if !strings.Contains(screen(m), "a write is in progress") || m.sess.API != api {
			t.Errorf(":ctx under a write:\n%s", screen(m))
		}
		claim.Release()
		command(t, m, "ctx nope")
		if !strings.Contains(screen(m), `unknown profile "nope" (known: test, other)`) {
			t.Errorf("unknown profile:\n%s", screen(m))
		}
		run(t, m, press(":"))
		for _, k := range []string{"c", "t", "x", " ", "o", "tab"} {
			run(t, m, press(k))
		}
		if v := m.cl.open.Value(); v != "ctx other" {
			t.Errorf("completion: %q", v)
		}
		run(t, m, press("enter"))
		scr := screen(m)
		head := strings.Join(lines(scr)[:3], "\n")
		for _, want := range []string{"other @ other.example", "READ-ONLY", "PROTECTED"} {
			if !strings.Contains(head, want) {
				t.Errorf("header lacks %q:\n%s", want, scr)
			}
		}
		if strings.Contains(head, "filter:") || !strings.Contains(scr, "5 of 5 loaded") || len(m.stack) != 1 {
			t.Errorf("not the other profile's list:\n%s", scr)
		}
		if m.sess.API != other || !m.sess.ReadOnly || m.sess.Keys.Delete.Enabled() || m.sess.PageSize != 100 {
			t.Error("the session does not follow the profile (client, read-only keys, settings)")
		}
		if m.sess.Styles != styles || m.sess.Now == nil {
			t.Error("the terminal's part of the session (styles, clock) did not stay")
		}
		if len(other.ListQueries()) == 0 {
			t.Error("the other profile's server was not asked")
		}
	})
}

func TestOtherCommands(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 110, 30, nil)
		command(t, m, "log")
		if !strings.Contains(lines(screen(m))[1], "Request log") {
			t.Errorf(":log:\n%s", screen(m))
		}
		run(t, m, press("esc"))
		command(t, m, "requests")
		if len(m.stack) != 2 {
			t.Errorf(":requests opened nothing:\n%s", screen(m))
		}
		run(t, m, press("esc"))
		command(t, m, "help")
		if scr := screen(m); !m.showHelp || !strings.Contains(scr, "command line") {
			t.Errorf(":help:\n%s", scr)
		}
		run(t, m, press("x"))
		path := filepath.Join(t.TempDir(), "rows.csv")
		command(t, m, "export csv "+path)
		b, err := os.ReadFile(path)
		if err != nil || strings.Count(string(b), "\n") != 41 {
			t.Errorf(":export wrote %d lines, %v", strings.Count(string(b), "\n"), err)
		}
		run(t, m, press(":"))
		run(t, m, press("q"))
		_, cmd := m.Update(press("enter"))
		if cmd == nil || !m.quitting {
			t.Fatal(":q does not quit")
		}
	})
}

// The command line with its completions, at a fixed size.
func TestGoldenCommandLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 80, 16, nil)
		m.SetCommands(Commands{Views: map[string]apiclient.ListOptions{"pii": {Tag: []string{"PII"}}}, Profiles: []string{"prod"}})
		command(t, m, "failed")
		run(t, m, press(":"))
		run(t, m, press("p"))
		run(t, m, press("tab"))
		teatest.RequireEqualOutput(t, []byte(m.View()))
	})
}

var _ tea.Model = (*Model)(nil)

// :help shows the keys and, under them, the commands and the command
// line's own keys (rebindable: their help follows the [keys] table).
func TestHelpCommandListsTheCommands(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 120, 70, nil)
		m.SetCommands(Commands{Views: map[string]apiclient.ListOptions{"broken": {}}})
		command(t, m, "help")
		scr := screen(m)
		for _, want := range []string{"Commands", ":ctx PROFILE", ":export FORMAT [FILE]", "saved views: broken",
			"tab completes", "↑/ctrl+p / ↓/ctrl+n: the commands run before"} {
			if !strings.Contains(scr, want) {
				t.Errorf(":help lacks %q:\n%s", want, scr)
			}
		}
	})
}

// :handler completes from the handler types of the loaded rows.
func TestCompletesHandlersOfTheList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		m := newRoot(t, api, 100, 30, nil)
		run(t, m, press(":"))
		for _, k := range []string{"h", "tab", "R", "tab"} {
			run(t, m, press(k))
		}
		if v := m.cl.open.Value(); v != "handler Redshift" {
			t.Fatalf("h tab R tab: %q", v)
		}
		run(t, m, press("enter"))
		if got := lastQuery(t, api); !reflect.DeepEqual(got, byName(url.Values{"blobHandlerType": {"Redshift"}})) {
			t.Errorf("query %v", got)
		}
	})
}

// The inbox is not narrowed by the list's server filters: its header does
// not show them; back on the list it does again.
func TestInboxHeaderLeavesOutTheListFilter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 110, 30, nil)
		command(t, m, "mine")
		if !strings.Contains(lines(screen(m))[0], "filter: sub:mine") {
			t.Fatalf("header does not say the filter:\n%s", screen(m))
		}
		run(t, m, press("p"))
		scr := screen(m)
		if !strings.Contains(scr, "Pending requests") || strings.Contains(lines(scr)[0], "filter:") {
			t.Errorf("inbox header:\n%s", scr)
		}
		run(t, m, press("esc"))
		if !strings.Contains(lines(screen(m))[0], "filter: sub:mine") {
			t.Errorf("back on the list:\n%s", screen(m))
		}
	})
}
