package tui_test

// End-to-end tests of issue 10 §5 (tags and columns), on the built binary
// in tmux: open a source's detail and see its tags, add a tag and remove
// it (each through its form and the confirm dialog, Cancel focused), open
// the columns and filter them. On --demo as a new user would, and against
// an emulator whose request log shows each write sent once; read-only
// sends none. Helpers are in e2e_helpers_test.go.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// openPayroll goes from the list to the detail of Payroll Details (28),
// tagged PII and Sensitive, and waits for its tags.
func openPayroll(t *testing.T, s *tui) {
	t.Helper()
	s.waitUntil("the list", startTimeout, func(sc string) bool { return len(listRows(sc)) > 0 })
	filterList(t, s, "payroll")
	openRow(t, s, immutatest.NamePending)
	s.waitFor(startTimeout, "Tags", "• PII  catalog · curated", "• Sensitive  catalog · curated", "C shows the columns")
}

// tagWalk adds PII.Email to the open source and removes it again, then
// opens its columns and filters them.
func tagWalk(t *testing.T, s *tui) {
	t.Helper()
	name := immutatest.NamePending
	s.waitFor(waitTimeout, "t adds a tag · T removes one")
	s.send("t")
	s.waitFor(waitTimeout, "Add a tag to "+name, "→ POST /tag/datasource/28")
	s.typeText("PII.Email")
	s.send("Enter")
	s.waitFor(waitTimeout, `Add tag "PII.Email" to `+name, `[{"name":"PII.Email"}]`, "[Cancel]")
	s.send("y")
	s.waitFor(startTimeout, `tag "PII.Email" added to `+name+" · now 3 tags")
	s.send("Enter")
	s.waitFor(waitTimeout, "• PII.Email  manual")

	s.send("T")
	s.waitFor(waitTimeout, "Remove a tag from "+name)
	s.sendN("Right", 2) // PII, Sensitive, PII.Email
	s.send("Enter")
	s.waitFor(waitTimeout, `Remove tag "PII.Email" from `+name, "DELETE /tag/datasource/28/PII.Email", "[Cancel]")
	s.send("y")
	s.waitFor(startTimeout, `tag "PII.Email" removed from `+name+" · now 2 tags")
	s.send("Enter")
	s.waitGone(waitTimeout, "PII.Email")
	s.waitFor(waitTimeout, "• PII  catalog", "• Sensitive  catalog")

	s.send("C")
	s.waitCrumb("Data sources › " + name + " › Columns")
	s.waitFor(startTimeout, "4 columns", "REMOTE TYPE", "EMPLOYEE_ID", "character varying", "PII.SSN, PII", "US Social Security number")
	s.send("/")
	s.typeText("pii")
	sc := s.waitFor(waitTimeout, "1 of 4 match")
	if strings.Contains(sc, "EMPLOYEE_ID") || !strings.Contains(sc, "SSN") {
		t.Errorf("the filter pii should keep SSN only:\n%s", sc)
	}
	s.send("Enter")
	s.waitFor(waitTimeout, "esc clears")
	s.esc()
	s.waitUntil("the filter cleared", waitTimeout, func(sc string) bool {
		return !strings.Contains(sc, "match") && strings.Contains(sc, "EMPLOYEE_ID")
	})
	s.esc()
	s.waitCrumb("Data sources › " + name)
}

// TestE2ETagsOnDemo: on --demo, the detail shows the tags; one is added
// and removed; the columns open and filter.
func TestE2ETagsOnDemo(t *testing.T) {
	t.Parallel()
	s := startTUI(t, tuiOpts{Args: []string{"--demo"}})
	openPayroll(t, s)
	tagWalk(t, s)
	// ? lists the keys.
	s.send("?")
	s.waitFor(waitTimeout, "add tag", "remove tag", "columns")
}

// TestE2ETagsSentOnce: the same walk against an emulator: one POST and
// one DELETE, with the doc's body and the name in the path; read-only
// sends nothing and says so.
func TestE2ETagsSentOnce(t *testing.T) {
	t.Parallel()
	srv := startEmu(t, immutatest.Options{Sources: demoSources})
	srv.Handler.ResetLog()
	s := startOn(t, srv)
	openPayroll(t, s)
	tagWalk(t, s)
	w := writesIn(srv.Handler.Requests())
	if len(w) != 2 || countReq(w, http.MethodPost, "/tag/datasource/28") != 1 ||
		countReq(w, http.MethodDelete, "/tag/datasource/28/PII.Email") != 1 || w[0].Body != `[{"name":"PII.Email"}]` {
		t.Fatalf("writes sent:\n%s(body %q)", fmtReqs(w), w[0].Body)
	}

	ro := startEmu(t, immutatest.Options{Sources: demoSources})
	s = startOn(t, ro, "--read-only")
	openPayroll(t, s)
	if sc := s.screen(); strings.Contains(sc, "adds a tag") {
		t.Errorf("read-only offers the tag writes:\n%s", sc)
	}
	s.send("t")
	s.waitFor(waitTimeout, "read-only mode: writes are disabled")
	s.send("T")
	s.waitFor(waitTimeout, "read-only mode: writes are disabled")
	if w := writesIn(ro.Handler.Requests()); len(w) != 0 {
		t.Fatalf("read-only sent:\n%s", fmtReqs(w))
	}
}
