package tui

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// A server error is untrusted text: in the status line a right-to-left
// override would make it read backwards and an escape sequence would act
// on the terminal.
func TestStatusLineSanitisesServerErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		api.ListErr = &apiclient.APIError{StatusCode: 500, Method: "GET", Path: "/dataSource",
			Message: "quota for \u202eexe.tropeR\u202c reached\x1b]0;owned\x07\x1b[2J"}
		m := newRoot(t, api, 100, 30, nil)
		out := m.View()
		status := ansi.Strip(strings.Split(out, "\n")[28])
		if !strings.Contains(status, "quota for exe.tropeR reached") {
			t.Fatalf("the error is not on the status line: %q", status)
		}
		if strings.ContainsAny(status, "\u202e\u202c") {
			t.Errorf("a bidi override reached the status line: %q", status)
		}
		if !strings.Contains(status, "␛]0;owned␇␛[2J") {
			t.Errorf("the controls are not shown as glyphs: %q", status)
		}
		viewtest.CheckBounds(t, out, 100, 30)
	})
}

func TestStatusLineSanitisesNotices(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		run(t, m, routed{to: m.top().id, msg: views.StatusMsg{Text: "subscribed to \u202edcba\x1b[31m", Level: views.Success}})
		out := m.View()
		status := ansi.Strip(strings.Split(out, "\n")[28])
		if status != "subscribed to dcba␛[31m" {
			t.Errorf("status line %q", status)
		}
		viewtest.CheckBounds(t, out, 100, 30)
	})
}

// A 10 MB error (a server that echoes a huge name back) is one short line,
// cut with an ellipsis, and drawing it does not read all of it.
func TestStatusLineClipsHugeText(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		api.ListErr = &apiclient.APIError{StatusCode: 400, Method: "GET", Path: "/dataSource",
			Message: "no source named " + strings.Repeat("数据", 5<<20)}
		m := newRoot(t, api, 80, 20, nil)
		out := m.View()
		status := ansi.Strip(strings.Split(out, "\n")[18])
		if w := ansi.StringWidth(status); w > 80 || !strings.Contains(status, "…") {
			t.Errorf("status line is %d wide, want ≤ 80 and cut with …: %q", w, status)
		}
		viewtest.CheckBounds(t, out, 80, 20)
	})
}
