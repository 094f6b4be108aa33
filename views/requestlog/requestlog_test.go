package requestlog_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/requestlog"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// fixedLog is a log with three requests of known times and sizes.
func fixedLog() *apiclient.RequestLog {
	l := apiclient.NewRequestLog(50)
	at := viewtest.Now.Add(-time.Minute)
	hdr := []apiclient.Header{{Name: "Accept", Value: "application/json"}, {Name: "Authorization", Value: "[REDACTED]"}, {Name: "User-Agent", Value: "dsbrowse/dev"}}
	l.Add(apiclient.RequestRecord{Time: at, Method: "GET", Path: "/dataSource?size=100&sortField=name", URL: "https://immuta.test/dataSource?size=100&sortField=name",
		Status: 200, Duration: 182 * time.Millisecond, Size: 48213, Header: hdr, Auth: apiclient.AuthRaw})
	l.Add(apiclient.RequestRecord{Time: at.Add(2 * time.Second), Method: "GET", Path: "/dataSource/26", URL: "https://immuta.test/dataSource/26",
		Status: 503, Err: "GET /dataSource/26: the server is unavailable (503)", Duration: 2400 * time.Millisecond, Size: 31, Retries: 3, Header: hdr, Auth: apiclient.AuthRaw})
	body := `{"dataSourceId":26,"tags":[{"name":"PII"}]}`
	l.Add(apiclient.RequestRecord{Time: at.Add(5 * time.Second), Method: "POST", Path: "/tag/datasource/26", URL: "https://immuta.test/tag/datasource/26",
		Status: 200, Duration: 95 * time.Millisecond, Size: 120, Body: body, BodySize: len(body),
		Header: append(hdr[:1:1], apiclient.Header{Name: "Authorization", Value: "[REDACTED]"}, apiclient.Header{Name: "Content-Type", Value: "application/json"}), Auth: apiclient.AuthRaw})
	return l
}

func open(t *testing.T, l *apiclient.RequestLog, w, h int) (*viewtest.Driver, *requestlog.Model) {
	t.Helper()
	sess := viewtest.Context(&viewtest.FakeAPI{})
	sess.RequestLog = l
	m := requestlog.New(sess)
	return viewtest.New(t, m, w, h), m
}

func TestListNewestFirst(t *testing.T) {
	d, m := open(t, fixedLog(), 110, 10)
	s := d.Screen()
	lines := strings.Split(s, "\n")
	if !strings.Contains(lines[0], "3 requests") || !strings.Contains(lines[0], "newest first") {
		t.Errorf("head: %q", lines[0])
	}
	for _, want := range []string{"TIME", "METHOD", "STATUS", "TOOK", "SIZE", "RETRIES", "PATH AND QUERY"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("header lacks %s: %q", want, lines[1])
		}
	}
	if !strings.Contains(lines[2], "› 11:59:05 POST") || !strings.Contains(lines[2], "/tag/datasource/26") {
		t.Errorf("newest first, selected: %q", lines[2])
	}
	if !strings.Contains(lines[3], "503") || !strings.Contains(lines[3], "2400ms") || !strings.Contains(lines[3], " 3 /dataSource/26") {
		t.Errorf("the failed read with its retries: %q", lines[3])
	}
	if !strings.Contains(lines[4], "48 kB") || !strings.Contains(lines[4], "/dataSource?size=100&sortField=name") {
		t.Errorf("oldest: %q", lines[4])
	}
	viewtest.CheckBounds(t, m.View(), 110, 10)
	m.SetSize(40, 6)
	viewtest.CheckBounds(t, m.View(), 40, 6)
}

func TestEnterShowsHeadersAndBody(t *testing.T) {
	d, m := open(t, fixedLog(), 100, 30)
	d.Key("enter")
	if !m.Showing() {
		t.Fatal("enter should show the request")
	}
	s := d.Screen()
	for _, want := range []string{"POST https://immuta.test/tag/datasource/26", "Authorization: [REDACTED]", "Content-Type: application/json",
		"Body sent · 43 bytes", `"name": "PII"`, "Status    200", "Auth      the API key in Authorization"} {
		if !strings.Contains(s, want) {
			t.Errorf("detail lacks %q:\n%s", want, s)
		}
	}
	if _, ok := m.Back(); !ok || m.Showing() {
		t.Error("esc should go back to the list")
	}
	if _, ok := m.Back(); ok {
		t.Error("a second esc leaves the log")
	}
	d.Key("j", "enter")
	if s := d.Screen(); !strings.Contains(s, "GET /dataSource/26: the server is unavailable (503)") || !strings.Contains(s, "Retries   3") {
		t.Errorf("failed read detail:\n%s", s)
	}
}

func TestFollowsNewRequestsKeepingTheSelection(t *testing.T) {
	l := fixedLog()
	d, m := open(t, l, 110, 10)
	d.Key("j") // the 503
	l.Add(apiclient.RequestRecord{Time: viewtest.Now, Method: "GET", Path: "/bim/rpc/user/current", Status: 200})
	d.Send(d.V.(*requestlog.Model).TickForTest())
	if r := m.Selected(); r == nil || r.Status != 503 {
		t.Errorf("the selection moved to %+v", r)
	}
	if !strings.Contains(d.Screen(), "4 requests") || !strings.Contains(d.Screen(), "/bim/rpc/user/current") {
		t.Errorf("new request not shown:\n%s", d.Screen())
	}
	// Bounded: the head says how many went.
	small := apiclient.NewRequestLog(2)
	for range 5 {
		small.Add(apiclient.RequestRecord{Method: "GET", Path: "/x", Status: 200, Time: viewtest.Now})
	}
	d2, _ := open(t, small, 110, 10)
	if s := d2.Screen(); !strings.Contains(s, "2 requests") || !strings.Contains(s, "last 2 are kept") || !strings.Contains(s, "3 older dropped") {
		t.Errorf("bound:\n%s", s)
	}
	d3, _ := open(t, nil, 80, 5)
	if !strings.Contains(d3.Screen(), "keeps no request log") {
		t.Errorf("no log:\n%s", d3.Screen())
	}
	d4, _ := open(t, apiclient.NewRequestLog(3), 80, 5)
	d4.Key("y")
	if st, ok := viewtest.Last[views.StatusMsg](d4); !ok || !strings.Contains(st.Text, "no request") {
		t.Errorf("y on an empty log: %+v", st)
	}
}

// A real client against a server that echoes the key, a search holding
// the key, a write: y copies curl commands that never hold it.
func TestCopiedCurlNeverHoldsTheKey(t *testing.T) {
	const key = "very-SECRET-key-4242"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/bim/apikey/authenticate" {
			_, _ = w.Write([]byte(`{"token":"tok-` + key + `"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":1,"name":"` + r.Header.Get("Authorization") + `"}`))
	}))
	defer srv.Close()
	for _, mode := range []apiclient.AuthMode{apiclient.AuthRaw, apiclient.AuthBearer, apiclient.AuthExchange} {
		c, err := apiclient.New(srv.URL, key, apiclient.WithAuthMode(mode))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		_, _ = c.GetDataSource(ctx, 1)
		_, _ = c.ListDataSources(ctx, apiclient.ListOptions{SearchText: key})
		_, _ = c.AddSourceTags(ctx, 1, []string{key})
		d, m := open(t, c.RequestLog(), 120, 20)
		n := len(c.RequestLog().Snapshot())
		for i := range n {
			d.Key("y")
			cp, ok := viewtest.Last[views.CopyMsg](d)
			if !ok || !strings.HasPrefix(cp.What, "curl command for ") || !strings.Contains(cp.Text, "curl -sS") {
				t.Fatalf("%s: y copied %+v", mode, cp)
			}
			if strings.Contains(cp.Text, key) || strings.Contains(cp.What, key) {
				t.Errorf("%s: request %d: the copy holds the key:\n%s", mode, i, cp.Text)
			}
			if !strings.Contains(cp.Text, "$IMMUTA_API_KEY") {
				t.Errorf("%s: the copy does not read the key from $IMMUTA_API_KEY:\n%s", mode, cp.Text)
			}
			d.Key("enter")
			if s := m.View(); strings.Contains(s, key) {
				t.Errorf("%s: the detail shows the key:\n%s", mode, s)
			}
			d.Key("y") // from the detail too
			if cp2, _ := viewtest.Last[views.CopyMsg](d); cp2.Text != cp.Text {
				t.Errorf("%s: y in the detail copied another request", mode)
			}
			m.Back()
			d.Key("j")
		}
		if s := m.View(); strings.Contains(s, key) {
			t.Errorf("%s: the list shows the key", mode)
		}
	}
}

func TestHelpNamesTheKeys(t *testing.T) {
	_, m := open(t, fixedLog(), 100, 10)
	help := ""
	for _, g := range m.FullHelp() {
		for _, b := range g {
			help += b.Help().Key + " " + b.Help().Desc + "\n"
		}
	}
	for _, want := range []string{"enter show request", "y copy as curl", "r refresh"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	if m.Title() != "Request log" {
		t.Errorf("title %q", m.Title())
	}
}

func TestGoldenRequestLog(t *testing.T) {
	sess := viewtest.Context(&viewtest.FakeAPI{})
	sess.RequestLog = fixedLog()
	m := requestlog.New(sess)
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m, Ready: func() bool { return true }}, teatest.WithInitialTermSize(100, 8))
	out := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	viewtest.CheckBounds(t, out, 100, 8)
	teatest.RequireEqualOutput(t, []byte(out))
}

func TestGoldenRequestLogDetail(t *testing.T) {
	d, m := open(t, fixedLog(), 100, 24)
	d.Key("enter")
	out := m.View()
	viewtest.CheckBounds(t, out, 100, 24)
	teatest.RequireEqualOutput(t, []byte(out))
}

// A request shown that leaves the log (bounded) is not replaced by another
// under the same place: r goes back to the list.
func TestShownRequestEvicted(t *testing.T) {
	l := apiclient.NewRequestLog(2)
	l.Add(apiclient.RequestRecord{Method: "GET", Path: "/a", Status: 200, Time: viewtest.Now})
	l.Add(apiclient.RequestRecord{Method: "GET", Path: "/b", Status: 200, Time: viewtest.Now})
	d, m := open(t, l, 100, 10)
	d.Key("j", "enter") // /a, the oldest
	if r := m.Selected(); !m.Showing() || r.Path != "/a" {
		t.Fatalf("showing %+v", r)
	}
	l.Add(apiclient.RequestRecord{Method: "GET", Path: "/c", Status: 200, Time: viewtest.Now})
	d.Key("r")
	if m.Showing() {
		t.Errorf("still showing a request that left the log: %+v", m.Selected())
	}
	if s := d.Screen(); !strings.Contains(s, "/c") || strings.Contains(s, "/a") {
		t.Errorf("list:\n%s", s)
	}
}

// At 60 columns the path keeps its room (it got 14 columns, so every
// /dataSource/… row looked alike): retries and size give way first.
func TestNarrowKeepsThePath(t *testing.T) {
	d, m := open(t, fixedLog(), 60, 10)
	lines := strings.Split(d.Screen(), "\n")
	if strings.Contains(lines[1], "RETRIES") || strings.Contains(lines[1], "SIZE") || !strings.Contains(lines[1], "TOOK") {
		t.Errorf("header at 60: %q", lines[1])
	}
	if !strings.Contains(lines[3], "/dataSource/26") || !strings.Contains(lines[4], "/dataSource?size=100&sort") {
		t.Errorf("paths at 60:\n%s", d.Screen())
	}
	viewtest.CheckBounds(t, m.View(), 60, 10)
	d2, _ := open(t, fixedLog(), 80, 10)
	if !strings.Contains(d2.Screen(), "RETRIES") {
		t.Errorf("80 columns keep every column:\n%s", d2.Screen())
	}
}

// The log moves as every table does (views/table): j/k, pages, g/G, and
// the wheel scrolls, taking the selection along when it would leave.
func TestMovesAndScrolls(t *testing.T) {
	l := apiclient.NewRequestLog(50)
	for i := range 20 {
		l.Add(apiclient.RequestRecord{Method: "GET", Path: fmt.Sprintf("/p/%02d", i), Status: 200, Time: viewtest.Now})
	}
	d, m := open(t, l, 80, 6) // 4 rows under the head and the header
	path := func() string {
		if r := m.Selected(); r != nil {
			return r.Path
		}
		return ""
	}
	for _, s := range []struct{ key, want string }{
		{"j", "/p/18"}, {"down", "/p/17"}, {"k", "/p/18"}, {"pgdown", "/p/14"}, {"pgup", "/p/18"}, {"G", "/p/00"}, {"g", "/p/19"},
	} {
		d.Key(s.key)
		if got := path(); got != s.want {
			t.Fatalf("%s: selected %s, want %s", s.key, got, s.want)
		}
	}
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if got := path(); got != "/p/16" || !strings.Contains(d.Screen(), "› ") || strings.Contains(d.Screen(), "/p/19") {
		t.Errorf("the wheel should scroll three rows and take the selection: %s\n%s", got, d.Screen())
	}
	var help []string
	for _, b := range m.ShortHelp() {
		help = append(help, b.Help().Key+" "+b.Help().Desc)
	}
	if got := strings.Join(help, ","); !strings.Contains(got, "enter show request,y copy as curl") {
		t.Errorf("short help: %s", got)
	}
	d.Key("enter")
	help = help[:0]
	for _, b := range m.ShortHelp() {
		help = append(help, b.Help().Key+" "+b.Help().Desc)
	}
	if got := strings.Join(help, ","); !strings.Contains(got, "y copy as curl") {
		t.Errorf("short help on a request: %s", got)
	}
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if !m.Showing() || path() != "/p/16" {
		t.Error("the wheel on a request scrolls the request, not the list")
	}
}
