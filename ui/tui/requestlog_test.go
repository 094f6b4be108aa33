package tui

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func testRequestLog() *apiclient.RequestLog {
	l := apiclient.NewRequestLog(10)
	l.Add(apiclient.RequestRecord{Time: viewtest.Now, Method: "GET", Path: "/dataSource?size=100", URL: "https://immuta.test/dataSource?size=100",
		Status: 200, Duration: 80 * time.Millisecond, Size: 900, Auth: apiclient.AuthRaw,
		Header: []apiclient.Header{{Name: "Accept", Value: "application/json"}, {Name: "Authorization", Value: "[REDACTED]"}}})
	return l
}

// L opens the request log from the list (once), ? names it, y copies the
// request as curl through OSC 52 and the status line says so.
func TestRequestLogKeyAndCopy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t.Setenv("TMUX", "")
		// Wide: the help view cuts the last (global) column where it does not fit.
		m := newRoot(t, fakeWithDetail(), 220, 30, func(sess *views.Session) { sess.RequestLog = testRequestLog() })
		var clip bytes.Buffer
		m.SetClipboard(&clip)
		run(t, m, press("?"))
		if !strings.Contains(screen(m), "request log") {
			t.Errorf("? does not name the request log key:\n%s", screen(m))
		}
		run(t, m, press("esc"))
		run(t, m, press("L"))
		if got := screen(m); !strings.Contains(got, "Data sources › Request log") || !strings.Contains(got, "/dataSource?size=100") {
			t.Fatalf("L should open the request log:\n%s", got)
		}
		run(t, m, press("L"))
		if len(m.stack) != 2 {
			t.Errorf("L on the log opened another (%d views)", len(m.stack))
		}
		run(t, m, press("y"))
		want := apiclient.RequestRecord{Method: "GET", Path: "/dataSource?size=100", URL: "https://immuta.test/dataSource?size=100", Auth: apiclient.AuthRaw,
			Header: []apiclient.Header{{Name: "Accept", Value: "application/json"}}}.Curl()
		seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(want)) + "\x07"
		if clip.String() != seq {
			t.Errorf("clipboard got %q, want %q", clip.String(), seq)
		}
		if got := screen(m); !strings.Contains(got, "copied curl command for GET /dataSource?size=100: curl -sS") {
			t.Errorf("status line:\n%s", got)
		}
		run(t, m, press("esc"))
		if len(m.stack) != 1 {
			t.Fatal("esc should leave the log")
		}
		// The message the : command line will send opens it too.
		run(t, m, routed{to: m.top().id, msg: views.OpenRequestLogMsg{}})
		if len(m.stack) != 2 || !strings.Contains(screen(m), "Request log") {
			t.Errorf("OpenRequestLogMsg did not open the log:\n%s", screen(m))
		}
	})
}

func TestCopyMsgEdges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 120, 30, nil)
		id := m.top().id
		run(t, m, routed{to: id, msg: views.CopyMsg{Text: "x", What: "id"}})
		if !strings.Contains(screen(m), "cannot copy id: no terminal") {
			t.Errorf("no clipboard:\n%s", screen(m))
		}
		var clip bytes.Buffer
		m.SetClipboard(&clip)
		run(t, m, routed{to: id, msg: views.CopyMsg{Text: strings.Repeat("a", MaxCopy+1), What: "JSON"}})
		if clip.Len() != 0 || !strings.Contains(screen(m), "not copied: the JSON is") {
			t.Errorf("too large:\n%s", screen(m))
		}
		t.Setenv("TMUX", "/tmp/tmux-0/default,1,0")
		run(t, m, routed{to: id, msg: views.CopyMsg{Text: "334\nline two", What: "source id"}})
		b64 := base64.StdEncoding.EncodeToString([]byte("334\nline two"))
		if got := clip.String(); !strings.HasPrefix(got, "\x1b]52;c;"+b64+"\x07") || !strings.Contains(got, "\x1bPtmux;\x1b\x1b]52;c;"+b64) {
			t.Errorf("inside tmux: plain OSC 52 then passthrough, got %q", got)
		}
		if !strings.Contains(screen(m), "copied source id: 334 line two") {
			t.Errorf("status line:\n%s", screen(m))
		}
		// The URL w copies when no browser starts comes before the reason,
		// so an 80-column status line still shows it.
		run(t, m, routed{to: id, msg: views.CopyMsg{Text: "https://acme.immuta.com/#/data-source/334/overview", What: "web UI URL", Note: "no browser: xdg-open is not installed and BROWSER is not set"}})
		if !strings.Contains(screen(m), "copied web UI URL: https://acme.immuta.com/#/data-source/334/overview (no browser: xdg-open") {
			t.Errorf("the URL should come before the reason:\n%s", screen(m))
		}
	})
}
