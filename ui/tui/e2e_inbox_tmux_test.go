package tui_test

// End-to-end tests of issue 9 §1 and §4 (TUI): the pending requests inbox
// (approve one, deny one with a reason, both leave) and the access report
// export, on the built binary's --demo in tmux.

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
)

type pendingHit struct {
	ID     int64 `json:"id"`
	Entity struct {
		Type, Name, Email string
	} `json:"entity"`
	Model struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"model"`
}

// allPending reads every pending request of the emulator, page by page.
func allPending(t *testing.T, srv *immutatest.Server) (count int, hits []pendingHit) {
	t.Helper()
	for off := 0; ; {
		var p struct {
			Count int          `json:"count"`
			Hits  []pendingHit `json:"hits"`
		}
		emuGet(t, srv, fmt.Sprintf("/subscription/getPendingRequestsForUser?size=200&offset=%d", off), &p)
		count = p.Count
		hits = append(hits, p.Hits...)
		off += len(p.Hits)
		if len(p.Hits) == 0 || off >= p.Count {
			return count, hits
		}
	}
}

// inboxLine is the inbox row showing who (below the column header), or "".
func inboxLine(sc, who string) string {
	in := false
	for _, l := range lines(sc) {
		if !in {
			in = strings.Contains(l, "Who") && strings.Contains(l, "Needs")
			continue
		}
		if strings.Contains(l, who) && !strings.Contains(l, "No loaded request matches") {
			return l
		}
	}
	return ""
}

var pendingCount = regexp.MustCompile(`^(\d+) pending`)

// inboxCount is the count the inbox's status line (third screen line)
// says, or -1 while it says none or is still loading.
func inboxCount(sc string) int {
	l := line(sc, 2)
	m := pendingCount.FindStringSubmatch(l)
	if m == nil || strings.Contains(l, "loading") {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// selectInInbox filters the inbox to who and waits for their row to be
// under the cursor, the filter kept.
func selectInInbox(t *testing.T, s *tui, who string) {
	t.Helper()
	s.send("/")
	s.waitFor(waitTimeout, "tab searches the server")
	s.typeText(who)
	s.waitUntil(who+" selected", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(inboxLine(sc, who), "›")
	})
	s.send("Enter")
	s.waitUntil("the filter kept", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(line(sc, 3), "/ "+who) && strings.HasPrefix(inboxLine(sc, who), "›") &&
			!strings.Contains(s.footer(sc), "keep filter")
	})
}

// TestE2EInboxDemo: on --demo, as a data owner would: the list says how
// many requests wait, p opens the inbox, one request is approved and
// another denied with a reason; both leave the inbox and the count.
func TestE2EInboxDemo(t *testing.T) {
	t.Parallel()
	ref := demoRef(t)
	count, hits := allPending(t, ref)
	names := map[string]int{}
	shown := 0
	for _, h := range hits {
		names[h.Entity.Name]++
		if h.Model.Type == "datasource" || h.Model.Type == "" {
			shown++
		}
	}
	// Two Web Sales requests by users with no other request: a filter by
	// name finds exactly their row.
	var picks []pendingHit
	for _, h := range hits {
		if h.Model.ID == immutatest.IDWebSales && h.Entity.Type == "profile" && names[h.Entity.Name] == 1 && len(picks) < 2 {
			picks = append(picks, h)
		}
	}
	if count == 0 || len(picks) < 2 {
		t.Fatalf("demo data moved: %d pending, picks %+v", count, picks)
	}
	approve, deny := picks[0], picks[1]

	s := startTUI(t, tuiOpts{Args: demoArgs})
	s.waitFor(startTimeout, loadedText(ref.Handler.Len()), fmt.Sprintf("%d pending requests (p)", count))

	s.send("?")
	s.waitUntil("p in the help", waitTimeout, func(sc string) bool {
		return regexp.MustCompile(`\bp +requests\b`).MatchString(sc) && regexp.MustCompile(`\bE +access report\b`).MatchString(sc)
	})
	s.send("x")
	s.waitGone(waitTimeout, "Keys for")

	s.send("p")
	s.waitCrumb("Data sources › Pending requests")
	sc := s.waitUntil("the inbox loaded", startTimeout, func(sc string) bool { return inboxCount(sc) == shown })
	for _, col := range []string{"Who", "Source", "Needs"} {
		if !strings.Contains(line(sc, 3), col) {
			t.Errorf("column %s missing: %q", col, line(sc, 3))
		}
	}

	// Approve: the form, the dialog on Cancel, y; the request leaves.
	selectInInbox(t, s, approve.Entity.Name)
	s.send("A")
	s.waitFor(waitTimeout, "Approve "+approve.Entity.Name+"'s access to "+approve.Model.Name, "Expiration date (optional)")
	s.send("Enter")
	sc = s.waitFor(waitTimeout, fmt.Sprintf(`POST /subscription/approve {"requests":[{"id":%d}]}`, approve.ID), "Cancel")
	if !strings.Contains(sc, "[Cancel]") || strings.Contains(sc, "[Approve]") {
		t.Fatalf("the dialog does not open on Cancel:\n%s", sc)
	}
	s.send("y")
	s.waitFor(waitTimeout, fmt.Sprintf("(request %d): approved", approve.ID), "enter closes")
	s.send("Enter")
	s.waitUntil(approve.Entity.Name+" gone", waitTimeout, func(sc string) bool {
		return line(sc, 1) == "Data sources › Pending requests" && inboxLine(sc, approve.Entity.Name) == ""
	})
	s.esc() // the filter
	s.waitUntil("one fewer", waitTimeout, func(sc string) bool { return inboxCount(sc) == shown-1 })

	// Deny: a reason is required; with one, the request leaves too.
	selectInInbox(t, s, deny.Entity.Name)
	s.send("X")
	s.waitFor(waitTimeout, "Deny "+deny.Entity.Name+"'s access to "+deny.Model.Name, "Reason for the denial (required)")
	s.send("Enter")
	s.waitFor(waitTimeout, "A reason is required")
	s.typeText("no business need")
	s.send("Enter")
	s.waitFor(waitTimeout, "Reason: no business need", "[Cancel]", "POST /subscription/deny")
	s.send("y")
	s.waitFor(waitTimeout, fmt.Sprintf("(request %d): denied", deny.ID), "enter closes")
	s.send("Enter")
	s.waitUntil(deny.Entity.Name+" gone", waitTimeout, func(sc string) bool {
		return line(sc, 1) == "Data sources › Pending requests" && inboxLine(sc, deny.Entity.Name) == ""
	})
	s.esc()
	s.waitUntil("two fewer", waitTimeout, func(sc string) bool { return inboxCount(sc) == shown-2 })

	// Back in the list, the count says the same.
	s.esc()
	s.waitCrumb("Data sources")
	s.waitFor(waitTimeout, fmt.Sprintf("%d pending requests (p)", count-2))
	s.alive()
}

// TestE2EInboxSentOnce: on an emulator whose log the test reads, the
// approve is one POST with the request's id however often y is pressed,
// and read-only sends nothing.
func TestE2EInboxSentOnce(t *testing.T) {
	t.Parallel()
	srv := startEmu(t, immutatest.Options{Sources: demoSources})
	_, hits := allPending(t, srv)
	names := map[string]int{}
	for _, h := range hits {
		names[h.Entity.Name]++
	}
	var pick pendingHit
	for _, h := range hits {
		if h.Model.ID == immutatest.IDWebSales && h.Entity.Type == "profile" && names[h.Entity.Name] == 1 {
			pick = h
			break
		}
	}
	if pick.ID == 0 {
		t.Fatal("demo data moved: no Web Sales request")
	}
	s := startOn(t, srv)
	s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
	s.send("p")
	s.waitCrumb("Data sources › Pending requests")
	s.waitUntil("the inbox loaded", startTimeout, func(sc string) bool { return inboxCount(sc) > 0 })
	selectInInbox(t, s, pick.Entity.Name)
	s.send("A")
	s.waitFor(waitTimeout, "Expiration date (optional)")
	s.typeText("2099-12-31")
	s.send("Enter")
	s.waitFor(waitTimeout, `"expiration":"2099-12-31T00:00:00Z"`, "[Cancel]")
	if w := writesIn(srv.Handler.Requests()); len(w) != 0 {
		t.Fatalf("sent before the confirmation:\n%s", fmtReqs(w))
	}
	s.send("y", "y", "y")
	s.waitFor(waitTimeout, "approved", "enter closes")
	s.send("Enter")
	s.waitUntil(pick.Entity.Name+" gone", waitTimeout, func(sc string) bool { return inboxLine(sc, pick.Entity.Name) == "" })
	w := writesIn(srv.Handler.Requests())
	if len(w) != 1 || w[0].Path != "/subscription/approve" || !strings.Contains(w[0].Body, fmt.Sprintf(`"id":%d`, pick.ID)) ||
		!strings.Contains(w[0].Body, "2099-12-31T00:00:00Z") {
		t.Errorf("writes, want one approve of %d:\n%s", pick.ID, fmtReqs(w))
		for _, r := range w {
			t.Logf("body %s", r.Body)
		}
	}

	t.Run("read-only", func(t *testing.T) {
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		s := startOn(t, srv, "--read-only")
		s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
		s.send("p")
		s.waitCrumb("Data sources › Pending requests")
		s.waitUntil("the inbox loaded", startTimeout, func(sc string) bool { return inboxCount(sc) > 0 })
		s.send("A")
		s.waitUntil("read-only in the status line", waitTimeout, func(sc string) bool {
			return strings.Contains(s.statusLine(sc), "read-only")
		})
		s.send("X")
		if sc := s.screen(); strings.Contains(sc, "Reason for the denial") {
			t.Errorf("a deny form opened in read-only mode:\n%s", sc)
		}
		if w := writesIn(srv.Handler.Requests()); len(w) > 0 {
			t.Errorf("read-only mode wrote:\n%s", fmtReqs(w))
		}
	})
}

// TestE2EAccessReportDemo: filter the list, E, a file name, export; the
// status line counts the rows, and the CSV read back holds one row per
// member of each source the filter shows.
func TestE2EAccessReportDemo(t *testing.T) {
	t.Parallel()
	ref := demoRef(t)
	const filter = "healthcare"
	s := startTUI(t, tuiOpts{Args: demoArgs})
	s.waitFor(startTimeout, loadedText(ref.Handler.Len()))
	filterList(t, s, filter)
	// The sources the filter shows (all on screen), and their members
	// as the emulator counts them.
	matches := regexp.MustCompile(`(\d+) of \d+ match`)
	sc := s.waitUntil("every match on screen", waitTimeout, func(sc string) bool {
		m := matches.FindStringSubmatch(line(sc, 2))
		return m != nil && m[1] == strconv.Itoa(len(listRows(sc)))
	})
	shown := listRows(sc)
	if len(shown) < 2 {
		t.Fatalf("want at least two sources matching %q:\n%s", filter, sc)
	}
	members := map[int64]int{}
	rows := 0
	for _, r := range shown {
		id, err := strconv.ParseInt(r.Cells[1], 10, 64)
		if err != nil {
			t.Fatalf("row %q", r.Line)
		}
		var acc struct {
			Count int `json:"count"`
		}
		emuGet(t, ref, fmt.Sprintf("/dataSource/%d/access?size=1", id), &acc)
		members[id] = acc.Count
		rows += acc.Count
	}
	if rows == 0 {
		t.Fatalf("demo data moved: the sources matching %q have no members", filter)
	}

	out := filepath.Join(t.TempDir(), "review.csv")
	s.send("E")
	s.waitFor(waitTimeout, "Export an access report", fmt.Sprintf("the %d data sources matching the filter", len(members)), "./access-report-")
	s.send("C-u")
	s.typeText(out)
	s.waitFor(waitTimeout, out)
	s.send("Enter") // to the format: csv
	s.send("Enter") // export
	want := fmt.Sprintf("access report: %d rows from %d sources written to %s", rows, len(members), out)
	s.waitUntil("the final count", startTimeout, func(sc string) bool { return strings.Contains(s.statusLine(sc), want) })

	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], report.Header) {
		t.Fatalf("header %q", recs[0])
	}
	per := map[int64]int{}
	for _, r := range recs[1:] {
		id, _ := strconv.ParseInt(r[0], 10, 64)
		per[id]++
		if r[3] == "" || r[7] == "" {
			t.Errorf("row without member type or state: %q", r)
		}
	}
	for id, n := range members {
		if per[id] != n {
			t.Errorf("source %d: %d rows, want %d members", id, per[id], n)
		}
	}
	if len(per) != len(members) {
		t.Errorf("rows for sources %v, want %v", per, members)
	}
	s.alive()
}

// TestE2EInboxTwoApprovals: on --demo, a request that needs two approvals
// (owner and governance, both the caller's) stays after the first, and
// shows the one still needed; the second approval takes it out.
func TestE2EInboxTwoApprovals(t *testing.T) {
	t.Parallel()
	ref := demoRef(t)
	_, hits := allPending(t, ref)
	names := map[string]int{}
	for _, h := range hits {
		names[h.Entity.Name]++
	}
	var pick pendingHit
	for _, h := range hits {
		if h.Model.ID == immutatest.DemoTwoApprovals && names[h.Entity.Name] == 1 {
			pick = h
			break
		}
	}
	if pick.ID == 0 {
		t.Fatal("demo data moved: no two-approval request by a user with one request")
	}
	s := startTUI(t, tuiOpts{Args: demoArgs})
	s.waitFor(startTimeout, loadedText(ref.Handler.Len()))
	s.send("p")
	s.waitCrumb("Data sources › Pending requests")
	s.waitUntil("the inbox loaded", startTimeout, func(sc string) bool { return inboxCount(sc) > 0 })
	selectInInbox(t, s, pick.Entity.Name)
	sc := s.waitFor(waitTimeout, "1 of ")
	if l := inboxLine(sc, pick.Entity.Name); !strings.Contains(l, "OWNER") || !strings.Contains(l, ", GO") || strings.Contains(l, "2:") {
		t.Fatalf("the request should need two approvals: %q\n%s", l, sc)
	}
	s.send("A")
	s.waitFor(waitTimeout, "Expiration date (optional)")
	s.send("Enter")
	s.waitFor(waitTimeout, "[Cancel]")
	s.send("y")
	s.waitFor(waitTimeout, fmt.Sprintf("(request %d): approved", pick.ID), "enter closes")
	s.send("Enter")
	s.waitUntil("one step left", waitTimeout, func(sc string) bool {
		l := inboxLine(sc, pick.Entity.Name)
		return strings.Contains(l, "GOVERNANCE") && !strings.Contains(l, "OWNER")
	})
	s.send("A")
	s.waitFor(waitTimeout, "Expiration date (optional)")
	s.send("Enter")
	s.waitFor(waitTimeout, "[Cancel]")
	s.send("y")
	s.waitFor(waitTimeout, fmt.Sprintf("(request %d): approved", pick.ID), "enter closes")
	s.send("Enter")
	s.waitUntil(pick.Entity.Name+" gone", waitTimeout, func(sc string) bool {
		return line(sc, 1) == "Data sources › Pending requests" && inboxLine(sc, pick.Entity.Name) == ""
	})
	s.alive()
}
