package tui_test

// End-to-end tests: the built dsbrowse binary in a real terminal (tmux),
// driven by keys, checked by what the screen shows and by what the
// emulator was asked. Helpers are in e2e_helpers_test.go.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// demoSources is how many generated sources the emulators get (besides the
// seed ones): enough to scroll, few enough to load at once.
const demoSources = 300

func loadedText(n int) string { return fmt.Sprintf("%d of %d loaded", n, n) }

type accessUser struct {
	Profile int64  `json:"profile"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	State   string `json:"state"`
}

// maskedSubscriber finds a subscribed user of source id whose policyInfo
// masks columns, asking the emulator directly.
func maskedSubscriber(t *testing.T, srv *immutatest.Server, id int64) (accessUser, []string) {
	t.Helper()
	var acc struct {
		Users []accessUser `json:"users"`
	}
	emuGet(t, srv, fmt.Sprintf("/dataSource/%d/access?size=%d", id, immutatest.WebSalesUsers), &acc)
	for _, u := range acc.Users {
		if u.State != "subscribed" {
			continue
		}
		var info struct {
			Masked []struct {
				Name string `json:"name"`
			} `json:"masked"`
		}
		emuGet(t, srv, fmt.Sprintf("/dataSource/%d/users/%d/policyInfo", id, u.Profile), &info)
		if len(info.Masked) > 0 {
			var cols []string
			for _, m := range info.Masked {
				cols = append(cols, m.Name)
			}
			return u, cols
		}
	}
	t.Fatalf("no subscribed user of source %d has masked columns", id)
	return accessUser{}, nil
}

// openRow moves the list's cursor to the row named name and opens it.
func openRow(t *testing.T, s *tui, name string) {
	t.Helper()
	sc := s.waitUntil("row "+name, waitTimeout, func(sc string) bool { return findRow(listRows(sc), name) >= 0 })
	rs := listRows(sc)
	switch i, c := findRow(rs, name), selectedRow(rs); {
	case c < 0:
		t.Fatalf("no cursor in the list:\n%s", sc)
	case i > c:
		s.sendN("Down", i-c)
	case i < c:
		s.sendN("Up", c-i)
	}
	s.waitUntil("the cursor on "+name, waitTimeout, func(sc string) bool {
		rs := listRows(sc)
		c := selectedRow(rs)
		return c >= 0 && rs[c].Name() == name
	})
	s.send("Enter")
	s.waitCrumb("Data sources › " + name)
}

// filterList types a filter into the data sources list and keeps it
// (enter). The list's info line (third row) shows the filter.
func filterList(t *testing.T, s *tui, text string) {
	t.Helper()
	s.send("/")
	s.waitUntil("the filter prompt", waitTimeout, func(sc string) bool { return strings.HasPrefix(line(sc, 2), "/") })
	s.typeText(text)
	s.waitUntil("the filter typed", waitTimeout, func(sc string) bool { return strings.HasPrefix(line(sc, 2), "/"+text) })
	s.send("Enter")
	s.waitUntil("the filter kept", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(line(sc, 2), "/"+text) && strings.HasPrefix(s.footer(sc), "enter open")
	})
}

// TestE2EWalkthrough is the issue 3 walkthrough: list, filter, detail,
// access users, one user's policy, my visibility, lineage to the parent,
// back through every level, quit.
func TestE2EWalkthrough(t *testing.T) {
	t.Parallel()
	srv := startEmu(t, immutatest.Options{Sources: demoSources})
	user, masked := maskedSubscriber(t, srv, immutatest.IDWebSales)
	srv.Handler.ResetLog()
	total := srv.Handler.Len()
	s := startOn(t, srv)

	// Start: the first page of rows and the count.
	sc := s.waitFor(startTimeout, loadedText(total))
	if line(sc, 0) == "" || !strings.HasPrefix(line(sc, 0), "dsbrowse") {
		t.Errorf("header: %q", line(sc, 0))
	}
	if got := line(sc, 1); got != "Data sources" {
		t.Errorf("breadcrumb %q, want %q", got, "Data sources")
	}
	rows := listRows(sc)
	if want := s.h - 6; len(rows) != want { // header 2, info + columns 2, status + help 2
		t.Fatalf("%d rows on screen, want %d:\n%s", len(rows), want, sc)
	}
	isID := regexp.MustCompile(`^\d+$`)
	for _, r := range rows {
		if len(r.Cells) < 5 || !isID.MatchString(r.Cells[1]) {
			t.Fatalf("row %q does not read as name, id, handler, status, subscription", r.Line)
		}
	}

	// / web: Web Sales matches.
	s.send("/")
	s.waitUntil("the filter prompt", waitTimeout, func(sc string) bool { return strings.HasPrefix(line(sc, 2), "/") })
	s.typeText("web")
	sc = s.waitUntil("Web Sales among the matches", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(line(sc, 2), "/web") && strings.Contains(sc, " match ") &&
			findRow(listRows(sc), immutatest.NameWebSales) >= 0
	})
	if !regexp.MustCompile(`\d+ of \d+ match`).MatchString(sc) {
		t.Errorf("no match count:\n%s", sc)
	}
	for _, r := range listRows(sc) {
		if !strings.Contains(strings.ToLower(r.Name()), "w") {
			t.Errorf("row %q does not match \"web\"", r.Name())
		}
	}
	s.send("Enter") // keep the filter
	listWeb := s.waitUntil("the filter kept", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(line(sc, 2), "/web") && strings.HasPrefix(s.footer(sc), "enter open")
	})
	openRow(t, s, immutatest.NameWebSales)
	s.waitFor(waitTimeout, "#16", "TPC-DS web sales fact table")

	// a: the access users.
	s.send("a")
	s.waitCrumb("Data sources › Web Sales › Access")
	n := immutatest.WebSalesUsers
	usersLoaded := regexp.MustCompile(fmt.Sprintf(`%d of %d loaded|%s of %s loaded`, n, n, commas(n), commas(n)))
	s.waitUntil("all users loaded", startTimeout, func(sc string) bool { return usersLoaded.MatchString(sc) })

	// Filter to a subscribed user with masked columns and open them.
	s.send("/")
	s.waitFor(waitTimeout, "name or email")
	s.typeText(user.Email)
	s.waitUntil("the user selected", waitTimeout, func(sc string) bool {
		for _, l := range lines(sc) {
			if strings.HasPrefix(l, "› "+user.Name) && strings.Contains(l, user.Email) && strings.Contains(l, "subscribed") {
				return true
			}
		}
		return false
	})
	s.send("Enter") // keep the filter
	s.waitGone(waitTimeout, "name or email")
	s.send("Enter")
	s.waitCrumb("Data sources › Web Sales › Access › " + user.Name)
	want := append([]string{fmt.Sprintf("Masked columns (%d)", len(masked)), "Visibility report", user.Email}, masked...)
	s.waitFor(waitTimeout, want...)
	reqs := srv.Handler.Requests()
	for _, p := range []string{"policyInfo", "visibilityReport"} {
		path := fmt.Sprintf("/dataSource/%d/users/%d/%s", immutatest.IDWebSales, user.Profile, p)
		if countReq(reqs, http.MethodGet, path) == 0 {
			t.Errorf("no GET %s in the request log:\n%s", path, fmtReqs(reqs))
		}
	}

	// esc: back to the access list (filter kept), esc clears it, esc back
	// to the detail.
	s.esc()
	s.waitCrumb("Data sources › Web Sales › Access")
	s.waitFor(waitTimeout, user.Email)
	s.esc()
	s.waitGone(waitTimeout, "esc clears")
	s.esc()
	s.waitCrumb("Data sources › Web Sales")

	// v: my visibility, with the masked columns and the decoded policy.
	s.send("v")
	s.waitCrumb("Data sources › Web Sales › My visibility")
	s.waitFor(waitTimeout, "Masked columns", "WS_SOLD_DATE_SK", "Data Policy")
	if reqs := srv.Handler.Requests(); countReq(reqs, http.MethodGet, "/dataSource/16/visibilityReport") == 0 {
		t.Errorf("no GET /dataSource/16/visibilityReport:\n%s", fmtReqs(reqs))
	}
	s.esc()
	s.waitCrumb("Data sources › Web Sales")
	s.esc()
	sc = s.waitCrumb("Data sources")
	if got, want := listPart(sc), listPart(listWeb); got != want {
		t.Errorf("the filtered list changed after coming back:\n%s\nwas:\n%s", got, want)
	}

	// The derived source, its lineage, its parent.
	s.esc() // clears the filter
	s.waitFor(waitTimeout, loadedText(total))
	filterList(t, s, "Derived Healthcare")
	openRow(t, s, immutatest.NameDerived)
	s.waitFor(waitTimeout, "#4", "tab select lineage")
	s.send("Tab")
	s.waitFor(waitTimeout, "▸ "+immutatest.NameParent, "enter open source")
	s.send("Enter")
	s.waitCrumb("Data sources › " + immutatest.NameDerived + " › " + immutatest.NameParent)
	s.waitFor(waitTimeout, "#3")
	reqs = srv.Handler.Requests()
	if !hasReq(reqs, http.MethodGet, "/dataSource/4/lineage/") || countReq(reqs, http.MethodGet, "/dataSource/3") == 0 {
		t.Errorf("no lineage of 4 or no GET of its parent 3:\n%s", fmtReqs(reqs))
	}

	// esc back through every level: the parent, the derived source's
	// detail (esc in its lineage list goes back, as the footer says), the
	// filter (the cursor stays on the row it was on).
	s.esc()
	s.waitCrumb("Data sources › " + immutatest.NameDerived)
	s.waitFor(waitTimeout, "tab leave lineage", "esc back")
	s.esc()
	s.waitCrumb("Data sources")
	s.waitFor(waitTimeout, "/Derived Healthcare")
	s.esc()
	s.waitUntil("the filter cleared, the cursor on its row", waitTimeout, func(sc string) bool {
		rs := listRows(sc)
		c := selectedRow(rs)
		return strings.Contains(sc, loadedText(total)) && c >= 0 && rs[c].Name() == immutatest.NameDerived
	})

	// The list's cursor and scroll are where they were after a round trip:
	// from the top, go far enough down to scroll, open, go deeper, come back.
	s.send("g")
	sc = s.waitUntil("the cursor on the first row", waitTimeout, func(sc string) bool { return selectedRow(listRows(sc)) == 0 })
	top := listRows(sc)
	down := len(top) + 6
	scrolledTop := top[down-len(top)+1].Name() // the cursor sits on the last row once it scrolls
	s.sendN("Down", down)
	before := s.waitUntil("the list scrolled", waitTimeout, func(sc string) bool {
		rs := listRows(sc)
		return len(rs) > 0 && rs[0].Name() == scrolledTop
	})
	rs := listRows(before)
	if c := selectedRow(rs); c != len(rs)-1 {
		t.Fatalf("after scrolling down the cursor is on row %d of %d:\n%s", c, len(rs), before)
	}
	selected := rs[len(rs)-1].Name()
	s.send("Enter")
	s.waitCrumb("Data sources › " + selected)
	s.send("a")
	s.waitCrumb("Data sources › " + selected + " › Access")
	s.esc()
	s.waitCrumb("Data sources › " + selected)
	s.esc()
	after := s.waitCrumb("Data sources")
	if listPart(after) != listPart(before) {
		t.Errorf("the list is not as it was:\n%s\nwas:\n%s", listPart(after), listPart(before))
	}
	s.send("Enter")
	s.waitCrumb("Data sources › " + selected)
	s.esc()
	s.waitCrumb("Data sources")

	// Browsing never writes.
	if w := writesIn(srv.Handler.Requests()); len(w) > 0 {
		t.Errorf("browsing wrote:\n%s", fmtReqs(w))
	}

	// q quits: the process exits cleanly.
	s.send("q")
	if st := s.waitExit(waitTimeout); st != 0 {
		t.Errorf("exit status %d; screen:\n%s", st, s.screen())
	}
	sc = s.screen()
	if strings.Contains(sc, "panic") || strings.Contains(sc, "goroutine ") {
		t.Errorf("exit printed a panic:\n%s", sc)
	}
	if strings.Contains(sc, "Data sources") {
		t.Errorf("the terminal was not given back (alternate screen left on):\n%s", sc)
	}
}

// listPart is the screen without the header and the status and help lines.
func listPart(sc string) string {
	ls := lines(sc)
	if len(ls) < 4 {
		return sc
	}
	return strings.Join(ls[2:len(ls)-2], "\n")
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestE2EHelpAndEsc: ? shows the full help and any key closes it; esc at
// the top never quits; q while typing a filter is text.
func TestE2EHelpAndEsc(t *testing.T) {
	t.Parallel()
	srv := startEmu(t, immutatest.Options{Sources: demoSources})
	total := srv.Handler.Len()
	s := startOn(t, srv)
	s.waitFor(startTimeout, loadedText(total))

	s.send("?")
	sc := s.waitFor(waitTimeout, "Keys for Data sources", "any other key close help")
	for _, w := range []string{"filter", "search server", "access users", "my visibility", "subscribe", "create S3", "disable/delete", "restore", "quit"} {
		if !strings.Contains(sc, w) {
			t.Errorf("full help lacks %q:\n%s", w, sc)
		}
	}
	s.send("x")
	sc = s.waitGone(waitTimeout, "Keys for")
	if len(listRows(sc)) == 0 || !strings.Contains(sc, loadedText(total)) {
		t.Errorf("help closed but the list is not back:\n%s", sc)
	}

	// esc at the top: nothing to go back to, never a quit.
	s.esc()
	s.esc()
	s.esc()
	s.send("?") // keys are read in order: once help shows, the escapes were handled
	s.waitFor(waitTimeout, "Keys for Data sources")
	s.alive()
	s.send("Enter")
	s.waitGone(waitTimeout, "Keys for")

	// q while typing a filter is a letter, and esc clears the filter
	// without quitting.
	s.send("/")
	s.waitUntil("the filter prompt", waitTimeout, func(sc string) bool { return strings.HasPrefix(line(sc, 2), "/") })
	s.typeText("q")
	s.waitUntil("q in the filter", waitTimeout, func(sc string) bool { return strings.HasPrefix(line(sc, 2), "/q") })
	s.alive()
	s.esc()
	s.waitFor(waitTimeout, loadedText(total))
	s.esc()
	s.send("?")
	s.waitFor(waitTimeout, "Keys for Data sources")
	s.alive()
	s.send("Space")
	s.waitGone(waitTimeout, "Keys for")

	// Help in a pushed view names that view and offers esc back.
	openRow(t, s, listRows(s.screen())[0].Name())
	s.send("?")
	sc = s.waitFor(waitTimeout, "Keys for ", "back")
	if !strings.Contains(sc, "raw JSON") {
		t.Errorf("the detail's help lacks its own keys:\n%s", sc)
	}
	s.send("j") // scrolls the help, which stays open
	s.alive()
	s.send("x")
	s.waitGone(waitTimeout, "Keys for")
	s.esc()
	s.waitCrumb("Data sources")
	s.alive()
}

// TestE2EResize: the layout follows the terminal size, says when it is too
// small, and comes back.
func TestE2EResize(t *testing.T) {
	t.Parallel()
	srv := startEmu(t, immutatest.Options{Sources: demoSources})
	total := srv.Handler.Len()
	s := startOn(t, srv)
	s.waitFor(startTimeout, loadedText(total), "SCHEMA.TABLE")

	s.resize(60, 15)
	s.waitUntil("a 60×15 layout", waitTimeout, func(sc string) bool {
		ls := lines(sc)
		return len(ls) == 15 && strings.HasPrefix(ls[0], "dsbrowse") && ls[1] == "Data sources" &&
			!strings.Contains(sc, "SCHEMA.TABLE") && len(listRows(sc)) == 15-6
	})
	sc := s.joinedScreen()
	for i, l := range lines(sc) {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("line %d is %d cells wide at 60 columns: %q", i+1, w, l)
		}
	}
	if !strings.Contains(sc, loadedText(total)) {
		t.Errorf("the count is gone at 60×15:\n%s", sc)
	}
	if f := s.footer(sc); !strings.HasPrefix(f, "enter open") {
		t.Errorf("footer at 60×15: %q", f)
	}
	for _, r := range listRows(sc) {
		if len(r.Cells) < 3 {
			t.Errorf("row %q lost its columns", r.Line)
		}
	}

	// A detail view fits too.
	s.send("Enter")
	s.waitUntil("the detail at 60×15", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(line(sc, 1), "Data sources › ") && strings.Contains(sc, "Overview") && len(lines(sc)) == 15
	})
	for i, l := range lines(s.joinedScreen()) {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("detail line %d is %d cells wide at 60 columns: %q", i+1, w, l)
		}
	}
	s.esc()
	s.waitCrumb("Data sources")

	s.resize(30, 6)
	s.waitFor(waitTimeout, "Terminal too small")
	s.alive()

	s.resize(120, 40)
	sc = s.waitUntil("the full list again", waitTimeout, func(sc string) bool {
		return strings.Contains(sc, "SCHEMA.TABLE") && len(listRows(sc)) == 40-6 && strings.Contains(sc, loadedText(total))
	})
	if strings.Contains(sc, "too small") {
		t.Errorf("still too small:\n%s", sc)
	}
}

// TestE2EErrors: failures read as plain words in the status line, never
// show the key, and never end the program.
func TestE2EErrors(t *testing.T) {
	t.Parallel()
	notPlain := []string{"goroutine ", "panic", "runtime error", ".go:", "unexpected end of JSON", "invalid character"}
	checkPlain := func(t *testing.T, sc string) {
		t.Helper()
		for _, bad := range notPlain {
			if strings.Contains(sc, bad) {
				t.Errorf("the screen shows %q, not plain words:\n%s", bad, sc)
			}
		}
	}

	t.Run("wrong key", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: 10})
		const key = "sekrit-WRONG-key-4242"
		s := startTUI(t, tuiOpts{URL: srv.URL, Key: key})
		sc := s.waitFor(startTimeout, "the API key was rejected")
		if st := s.statusLine(sc); !strings.Contains(st, "the API key was rejected") {
			t.Errorf("status line %q", st)
		}
		if strings.Contains(sc, key) || strings.Contains(sc, "4242") {
			t.Errorf("the key is on screen:\n%s", sc)
		}
		checkPlain(t, sc)
		s.alive()
	})

	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		s := startTUI(t, tuiOpts{URL: "http://127.0.0.1:1", Key: "k"})
		sc := s.waitFor(startTimeout, "cannot reach")
		if st := s.statusLine(sc); !strings.Contains(st, "cannot reach") {
			t.Errorf("status line %q", st)
		}
		checkPlain(t, sc)
		s.alive()
		// Retrying keeps it running, and says so again.
		s.esc() // dismisses the error
		s.waitGone(waitTimeout, "cannot reach")
		s.send("r")
		s.waitFor(startTimeout, "cannot reach")
		s.alive()
	})

	for name, o := range map[string]immutatest.Options{
		"malformed": {Sources: 10, MalformedEvery: 1},
		"503":       {Sources: 10, FailEvery: 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startEmu(t, o)
			s := startOn(t, srv)
			sc := s.waitUntil("an error in the status line", startTimeout, func(sc string) bool {
				return strings.HasPrefix(s.statusLine(sc), "✗ loading data sources: ")
			})
			st := s.statusLine(sc)
			words := map[string]string{"malformed": "cannot read", "503": "the server failed"}[name]
			if !strings.Contains(st, words) {
				t.Errorf("status line %q, want %q in it", st, words)
			}
			if !strings.Contains(sc, "press r to retry") {
				t.Errorf("no hint to retry:\n%s", sc)
			}
			checkPlain(t, sc)
			s.alive()
		})
	}
}

// TestE2EWrites: the issue 4 flows.
func TestE2EWrites(t *testing.T) {
	t.Parallel()

	t.Run("subscribe needs approval", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		s := startOn(t, srv)
		s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
		filterList(t, s, immutatest.NameNeedsApproval)
		sc := s.waitUntil("the row", waitTimeout, func(sc string) bool {
			return findRow(listRows(sc), immutatest.NameNeedsApproval) == 0
		})
		if r := listRows(sc)[0]; r.Cells[4] != "not_subscribed" {
			t.Fatalf("row before: %q", r.Line)
		}
		s.send("s")
		s.waitFor(waitTimeout, "Subscribe to "+immutatest.NameNeedsApproval, "Cancel")
		if w := writesIn(srv.Handler.Requests()); len(w) > 0 {
			t.Fatalf("wrote before confirming:\n%s", fmtReqs(w))
		}
		s.send("y")
		s.waitFor(waitTimeout, immutatest.NameNeedsApproval+": pending approval", "enter closes")
		s.send("Enter")
		s.waitCrumb("Data sources")
		sc = s.waitUntil("the row shows pending", waitTimeout, func(sc string) bool {
			rs := listRows(sc)
			return len(rs) > 0 && rs[0].Name() == immutatest.NameNeedsApproval && rs[0].Cells[4] == "pending"
		})
		if !strings.Contains(s.statusLine(sc), "pending approval 1") {
			t.Errorf("status line %q", s.statusLine(sc))
		}
		if n := countReq(srv.Handler.Requests(), http.MethodPost, "/dataSource/subscribe"); n != 1 {
			t.Errorf("%d POST /dataSource/subscribe, want 1", n)
		}
	})

	t.Run("create S3", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		total := srv.Handler.Len()
		s := startOn(t, srv)
		s.waitFor(startTimeout, loadedText(total))
		const form = "Create Native S3 data sources"
		posts := func() int { return countReq(srv.Handler.Requests(), http.MethodPost, "/native-s3/handler") }

		// An empty submit: inline errors, no request.
		s.send("c")
		s.waitFor(waitTimeout, form, "Integration ID", "Prefix #1")
		s.send("C-s")
		sc := s.waitFor(waitTimeout, "✗ required")
		if n := strings.Count(sc, "✗ required"); n != 3 {
			t.Errorf("%d inline errors, want 3:\n%s", n, sc)
		}
		if n := posts(); n != 0 {
			t.Errorf("an invalid form sent %d POST", n)
		}
		s.esc()
		s.waitGone(waitTimeout, form)

		// Two sources in one form.
		integration := fmt.Sprint(immutatest.ValidIntegrationIDs[0])
		s.send("c")
		s.waitFor(waitTimeout, form, "Integration ID")
		s.typeText(integration)
		s.send("Tab")
		s.typeText("e2e-s3-alpha")
		s.send("Tab")
		s.typeText("s3://e2e-bucket/alpha/")
		s.send("C-n")
		s.waitFor(waitTimeout, "Data source name #2")
		s.typeText("e2e-s3-beta")
		s.send("Tab")
		s.typeText("s3://e2e-bucket/beta/")
		s.waitFor(waitTimeout, "s3://e2e-bucket/beta/")
		s.send("Enter") // on the last field: submits
		s.waitFor(waitTimeout, "✓ e2e-s3-alpha", "✓ e2e-s3-beta", "enter closes")
		if n := posts(); n != 1 {
			t.Errorf("%d POST /native-s3/handler, want 1", n)
		}
		s.send("Enter")
		s.waitGone(waitTimeout, form)
		filterList(t, s, "e2e-s3")
		sc = s.waitUntil("both new rows", waitTimeout, func(sc string) bool {
			rs := listRows(sc)
			return findRow(rs, "e2e-s3-alpha") >= 0 && findRow(rs, "e2e-s3-beta") >= 0
		})
		for _, r := range listRows(sc) {
			if r.Cells[2] != "Native S3" {
				t.Errorf("new row %q is not Native S3", r.Line)
			}
		}
		if !strings.Contains(sc, loadedText(total+2)) && !strings.Contains(sc, fmt.Sprintf("of %d match", total+2)) {
			t.Errorf("the count does not include the new sources:\n%s", sc)
		}

		// The server refuses a duplicate name: the message shows and every
		// typed value stays.
		s.send("c")
		s.waitFor(waitTimeout, form, "Integration ID")
		s.typeText(integration)
		s.send("Tab")
		s.typeText("e2e-s3-alpha")
		s.send("Tab")
		s.typeText("s3://e2e-bucket/again/")
		s.waitFor(waitTimeout, "s3://e2e-bucket/again/")
		s.send("Enter")
		sc = s.waitFor(waitTimeout, "409", "already exists")
		for _, typed := range []string{"e2e-s3-alpha", "s3://e2e-bucket/again/"} {
			if !strings.Contains(sc, typed) {
				t.Errorf("the typed %q is gone after the refusal:\n%s", typed, sc)
			}
		}
		reqs := srv.Handler.Requests()
		var statuses []int
		for _, r := range reqs {
			if r.Method == http.MethodPost && r.Path == "/native-s3/handler" {
				statuses = append(statuses, r.Status)
			}
		}
		if len(statuses) != 2 || statuses[1] != http.StatusConflict {
			t.Errorf("POST /native-s3/handler statuses %v, want [2xx 409]", statuses)
		}
		s.esc() // typed input: the form asks before throwing it away
		s.waitFor(waitTimeout, "Discard what you typed?")
		s.send("y")
		s.waitGone(waitTimeout, form)
		s.alive()
	})

	t.Run("disable, undo, delete", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		total := srv.Handler.Len()
		s := startOn(t, srv)
		s.waitFor(startTimeout, loadedText(total))
		name := immutatest.NamePublicAaaTpc
		path := fmt.Sprintf("/dataSource/%d", immutatest.IDPublicAaaTpc)
		rowStatus := func(name string) func(string) string {
			return func(sc string) string {
				rs := listRows(sc)
				if i := findRow(rs, name); i >= 0 && len(rs[i].Cells) > 3 {
					return rs[i].Cells[3]
				}
				return ""
			}
		}
		status := rowStatus(name)

		// Disable (soft delete).
		filterList(t, s, name)
		s.waitUntil("the row, passed", waitTimeout, func(sc string) bool { return status(sc) == "passed" })
		s.send("D")
		s.waitFor(waitTimeout, "Disable "+name+" (soft delete)", "DELETE "+path)
		s.send("y")
		s.waitFor(waitTimeout, name+": disabled (soft delete)", "u undo: restore")
		s.waitUntil("the row disabled", waitTimeout, func(sc string) bool { return status(sc) == "disabled" })
		if n := countReq(srv.Handler.Requests(), http.MethodDelete, path); n != 1 {
			t.Errorf("%d DELETE %s, want 1", n, path)
		}

		// Undo: u, then y.
		s.send("u")
		s.waitFor(waitTimeout, "Restore "+name, "Re-enable")
		s.send("y")
		s.waitFor(waitTimeout, name+": restored", "enter closes")
		s.waitUntil("the row restored", waitTimeout, func(sc string) bool { return status(sc) == "passed" })
		if n := countReq(srv.Handler.Requests(), http.MethodPut, path); n != 1 {
			t.Errorf("%d PUT %s, want 1", n, path)
		}
		s.send("Enter")
		s.waitGone(waitTimeout, "Restore "+name)

		// A hard delete wants the exact name typed.
		gone := immutatest.NameDisabled
		gonePath := fmt.Sprintf("/dataSource/%d", immutatest.IDDisabled)
		s.esc() // clears the filter
		s.waitFor(waitTimeout, loadedText(total))
		filterList(t, s, gone)
		s.waitUntil("the disabled row", waitTimeout, func(sc string) bool { return rowStatus(gone)(sc) == "disabled" })
		s.send("D")
		s.waitFor(waitTimeout, "Delete "+gone+" permanently", "Type the data source name to confirm")
		s.typeText("Legacy")
		s.send("Enter")
		s.waitFor(waitTimeout, fmt.Sprintf("Type %q exactly to confirm.", gone))
		if n := countReq(srv.Handler.Requests(), http.MethodDelete, gonePath); n != 0 {
			t.Fatalf("a wrong name sent %d DELETE %s", n, gonePath)
		}
		s.typeText(strings.TrimPrefix(gone, "Legacy"))
		s.send("Enter")
		s.waitFor(waitTimeout, gone+": deleted permanently")
		s.send("Enter")
		s.waitCrumb("Data sources") // the dialog has closed
		s.waitFor(waitTimeout, "No loaded data source matches")
		if n := countReq(srv.Handler.Requests(), http.MethodDelete, gonePath); n != 1 {
			t.Errorf("%d DELETE %s, want 1", n, gonePath)
		}
		if _, ok := srv.Handler.SourceName(immutatest.IDDisabled); ok {
			t.Errorf("source %d still exists on the server", immutatest.IDDisabled)
		}
		s.esc()
		sc := s.waitFor(waitTimeout, loadedText(total-1))
		if findRow(listRows(sc), gone) >= 0 {
			t.Errorf("%s is still listed", gone)
		}
	})

	t.Run("bulk subscribe", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		s := startOn(t, srv)
		sc := s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
		rs := listRows(sc)
		// Marked: the first row (yours already: subscribed, or owned or
		// pending) and the first two that are not yours. Subscribe offers
		// only those two.
		var free []int
		for i, r := range rs {
			if len(r.Cells) > 4 && strings.HasPrefix(r.Cells[4], "not_subscri") && len(free) < 2 {
				free = append(free, i)
			}
		}
		if len(free) < 2 || free[0] == 0 {
			t.Fatalf("want a first row that is yours and two that are not:\n%s", sc)
		}
		first, second := rs[free[0]].Name(), rs[free[1]].Name()
		s.send("Space") // the cursor moves down one
		s.sendN("Down", free[0]-1)
		s.send("Space")
		s.sendN("Down", free[1]-free[0]-1)
		s.send("Space")
		sc = s.waitFor(waitTimeout, "3 marked")
		if rs := listRows(sc); !rs[0].Marked || !rs[free[0]].Marked || !rs[free[1]].Marked {
			t.Errorf("marks: %q %q %q", rs[0].Line, rs[free[0]].Line, rs[free[1]].Line)
		}
		s.send("s")
		s.waitFor(waitTimeout, "Subscribe to 2 data sources", "• "+first, "• "+second, "Left out, yours already: 1")
		s.send("y")
		sc = s.waitFor(waitTimeout, "enter closes")
		re := regexp.MustCompile(`([✓✗]) (.+?): (subscribed|pending approval|.+?)\s*│`)
		got := map[string]string{}
		for _, m := range re.FindAllStringSubmatch(sc, -1) {
			got[m[2]] = m[1] + " " + m[3]
		}
		if got[first] == "" || got[second] == "" {
			t.Errorf("per-item results %v lack %q or %q:\n%s", got, first, second, sc)
		}
		s.waitUntil("the summary in the status line", waitTimeout, func(sc string) bool {
			return strings.Contains(s.statusLine(sc), "failed 0")
		})
		reqs := srv.Handler.Requests()
		if n := countReq(reqs, http.MethodPost, "/dataSource/subscribe"); n != 1 {
			t.Errorf("%d POST /dataSource/subscribe for two sources, want 1", n)
		}
		s.send("Enter")
		s.waitGone(waitTimeout, "Subscribe to 2")
	})
}

// TestE2EReadOnly: --read-only shows a badge, refuses every write key with
// a message, hides the write keys from help, and sends no write.
func TestE2EReadOnly(t *testing.T) {
	t.Parallel()
	writeHelp := []string{"subscribe", "disable/delete", "create S3", "restore"}
	noWrites := func(t *testing.T, srv *immutatest.Server) {
		t.Helper()
		if w := writesIn(srv.Handler.Requests()); len(w) > 0 {
			t.Errorf("read-only mode wrote:\n%s", fmtReqs(w))
		}
	}

	t.Run("badge and help", func(t *testing.T) {
		t.Parallel()
		srv := startEmu(t, immutatest.Options{Sources: demoSources})
		s := startOn(t, srv, "--read-only")
		sc := s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
		if !strings.Contains(line(sc, 0), "READ-ONLY") {
			t.Errorf("header %q has no READ-ONLY badge", line(sc, 0))
		}
		for _, w := range writeHelp {
			if strings.Contains(s.footer(sc), w) {
				t.Errorf("footer lists %q: %q", w, s.footer(sc))
			}
		}
		s.send("?")
		sc = s.waitFor(waitTimeout, "Keys for Data sources")
		for _, w := range writeHelp {
			if strings.Contains(sc, w) {
				t.Errorf("the full help lists %q in read-only mode:\n%s", w, sc)
			}
		}
		s.send("x")
		s.waitGone(waitTimeout, "Keys for")

		// A write key in a detail view is refused too.
		filterList(t, s, immutatest.NameWebSales)
		openRow(t, s, immutatest.NameWebSales)
		sc = s.waitFor(waitTimeout, "#16")
		for _, w := range writeHelp {
			if strings.Contains(s.footer(sc), w) {
				t.Errorf("the detail's footer lists %q: %q", w, s.footer(sc))
			}
		}
		s.send("s")
		s.waitUntil("read-only in the status line", waitTimeout, func(sc string) bool {
			return strings.Contains(s.statusLine(sc), "read-only")
		})
		noWrites(t, srv)
	})

	// Each write key in its own session, so that each one's message is its
	// own. A row is marked, so that the keys have a target.
	for _, k := range []string{"s", "D", "c", "u"} {
		t.Run("key "+k, func(t *testing.T) {
			t.Parallel()
			srv := startEmu(t, immutatest.Options{Sources: demoSources})
			s := startOn(t, srv, "--read-only")
			s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
			s.send("Space")
			s.waitFor(waitTimeout, "1 marked")
			if st := s.statusLine(s.screen()); st != "" {
				t.Fatalf("status line %q before any write key", st)
			}
			s.send(k)
			s.waitUntil("read-only in the status line", waitTimeout, func(sc string) bool {
				return strings.Contains(s.statusLine(sc), "read-only")
			})
			// Keys are read in order: once help shows for ?, nothing that k
			// could have opened took the keyboard.
			s.send("?")
			sc := s.waitFor(waitTimeout, "Keys for Data sources")
			if c := line(sc, 1); c != "Data sources" {
				t.Errorf("after %s something opened: %q", k, c)
			}
			s.send("x")
			s.waitGone(waitTimeout, "Keys for")
			noWrites(t, srv)
			s.alive()
		})
	}
}

// TestE2EHostileData: control characters and escape sequences in server
// strings are shown as glyphs and never reach the terminal.
func TestE2EHostileData(t *testing.T) {
	t.Parallel()
	const evil = "\x1b[31mEVIL\x1b]0;pwned\x07\u202eevil"
	src := map[string]any{
		"name": evil, "id": 666, "recordFormat": "Not Provided", "deleted": false,
		"description":        "desc \x1b]2;pwned2\x07 \x1b[2J end",
		"createdAt":          "2021-07-22T14:11:55.539Z",
		"subscriptionPolicy": map[string]any{"type": "subscription", "automaticSubscription": true},
		"recordCount":        0, "status": "passed", "subscriptionStatus": "subscribed",
		"blobHandlerType": "Snowflake\x1b[5m", "subscriptionType": "automatic",
		"connectionString": "test@immuta.connection.source.com:###/test",
		"sqlSchemaName":    "public", "sqlTableName": "evil\x07table",
		"policy": "None", "policyHandlerType": "None", "native": nil, "workspace": nil,
		"documentation": "# Doc\n\x1b]0;pwned3\x07text",
		"type":          "queryable", "createdBy": 2,
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/dataSource":
			_ = json.NewEncoder(w).Encode(map[string]any{"count": 1, "hits": []any{src}})
		case r.Method == http.MethodGet && r.URL.Path == "/dataSource/666":
			_ = json.NewEncoder(w).Encode(src)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"statusCode":404,"error":"Not Found","message":"Not Found"}`))
		}
	}))
	t.Cleanup(hs.Close)

	s := startTUI(t, tuiOpts{URL: hs.URL, Key: "k"})
	// A canary shows that a title escape in this tmux does change the pane
	// title, so "not pwned" below means something.
	s.must("new-window", "-d", "-n", "canary", "printf '\\033]0;canary\\007'; sleep 30")
	title := func(target string) string {
		return strings.TrimSpace(s.must("display-message", "-p", "-t", target, "#{pane_title}"))
	}
	s.waitFor(startTimeout, "1 of 1 loaded")
	deadline := time.Now().Add(waitTimeout)
	for title("dsb:canary") != "canary" {
		if time.Now().After(deadline) {
			t.Fatalf("tmux does not take titles from escapes here (title %q)", title("dsb:canary"))
		}
		time.Sleep(pollEvery)
	}

	sc := s.waitFor(waitTimeout, "␛[31mEVIL␛]0;pwned␇evil")
	checkScreen := func(sc string) {
		t.Helper()
		if strings.ContainsRune(sc, '\u202e') || strings.ContainsRune(sc, '\x1b') || strings.ContainsRune(sc, '\x07') {
			t.Errorf("raw control characters on screen:\n%q", sc)
		}
		if got := title("dsb:0"); strings.Contains(got, "pwned") {
			t.Errorf("the window title was changed to %q", got)
		}
		colored := s.must("capture-pane", "-p", "-e", "-t", "dsb:0")
		if strings.Contains(colored, "\x1b[31m") || strings.Contains(colored, "\x1b[5m") {
			t.Errorf("the server's escape codes styled the screen:\n%q", colored)
		}
	}
	checkScreen(sc)

	// The detail view of the same source.
	s.send("Enter")
	sc = s.waitUntil("the detail", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(line(sc, 1), "Data sources › ") && strings.Contains(sc, "#666")
	})
	if !strings.Contains(line(sc, 1), "␛[31mEVIL") {
		t.Errorf("breadcrumb %q", line(sc, 1))
	}
	s.waitFor(waitTimeout, "desc ␛]2;pwned2␇ ␛[2J end")
	checkScreen(s.screen())
	s.alive()
}
