package tui_test

// End-to-end tests of issue 9 §2 (members of a source), on the built
// binary in tmux: a data owner revokes a member and sets another's
// expiry, and sees both on screen; the server filters reach the call;
// every write is sent once and read-only sends none. Helpers are in
// e2e_helpers_test.go.

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/ui/cli"
)

type member struct {
	Profile        int64  `json:"profile"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	State          string `json:"state"`
	Type           string `json:"type"`
	SubscriptionID int64  `json:"subscriptionId"`
}

// subscribedMembers are n subscribed users of Web Sales with their own
// entry (a subscription id), asked of srv directly.
func subscribedMembers(t *testing.T, srv *immutatest.Server, n int) []member {
	t.Helper()
	var acc struct {
		Users []member `json:"users"`
	}
	emuGet(t, srv, fmt.Sprintf("/dataSource/%d/access?size=%d", immutatest.IDWebSales, immutatest.WebSalesUsers), &acc)
	var out []member
	for _, u := range acc.Users {
		if u.State == "subscribed" && u.Type == "user" && u.SubscriptionID != 0 && u.Email != "" {
			out = append(out, u)
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("Web Sales has fewer than %d subscribed users", n)
	return nil
}

// openWebSalesAccess goes from the list to Web Sales's access view and
// waits for its n members.
func openWebSalesAccess(t *testing.T, s *tui, n int) {
	t.Helper()
	s.waitUntil("the list", startTimeout, func(sc string) bool { return len(listRows(sc)) > 0 })
	filterList(t, s, "web sales")
	openRow(t, s, immutatest.NameWebSales)
	s.send("a")
	s.waitCrumb("Data sources › Web Sales › Access")
	all := regexp.MustCompile(fmt.Sprintf(`(%d|%s) of (%d|%s) loaded`, n, commas(n), n, commas(n)))
	s.waitUntil("every member loaded", startTimeout, func(sc string) bool { return all.MatchString(sc) })
}

// selectMember filters the access view to u's email and keeps the filter,
// with the cursor on u.
func selectMember(t *testing.T, s *tui, u member) {
	t.Helper()
	s.send("/")
	s.waitFor(waitTimeout, "name or email")
	s.typeText(u.Email)
	s.waitUntil(u.Name+" selected", waitTimeout, func(sc string) bool {
		for _, l := range lines(sc) {
			if strings.HasPrefix(l, "› "+u.Name) && strings.Contains(l, u.Email) {
				return true
			}
		}
		return false
	})
	s.send("Enter")
	s.waitGone(waitTimeout, "name or email")
}

// memberLine is the table row whose email cell is email, or "".
func memberLine(sc, email string) string {
	for _, l := range lines(sc) {
		for _, c := range cellSep.Split(strings.TrimSpace(l), -1) {
			if c == email {
				return l
			}
		}
	}
	return ""
}

// revokeAndExpire is the walk both tests take: revoke a, give b an
// expiry, each seen on screen.
func revokeAndExpire(t *testing.T, s *tui, a, b member) {
	t.Helper()
	// Revoke a: the dialog opens on Cancel and names the call.
	selectMember(t, s, a)
	s.send("D")
	sc := s.waitFor(waitTimeout, "Revoke "+a.Name+"'s access to Web Sales", "[Cancel]")
	if !strings.Contains(sc, fmt.Sprintf(`PUT /dataSource/%d/access/%d {"state":"denied"}`, immutatest.IDWebSales, a.SubscriptionID)) {
		t.Errorf("the dialog does not show the call:\n%s", sc)
	}
	s.send("y")
	s.waitFor(waitTimeout, a.Name+": access revoked; no longer in the access list of Web Sales")
	s.send("Enter")
	s.waitGone(waitTimeout, "access revoked; no longer")
	left := fmt.Sprintf("%d of %d loaded", immutatest.WebSalesUsers-1, immutatest.WebSalesUsers-1)
	s.waitUntil("the revoked member gone from the table", waitTimeout, func(sc string) bool {
		return memberLine(sc, a.Email) == "" && strings.Contains(strings.ReplaceAll(sc, ",", ""), left)
	})
	s.esc() // clears the filter
	s.waitGone(waitTimeout, "esc clears")

	// Give b an expiry: the form, then the confirm with the new date.
	selectMember(t, s, b)
	s.send("e")
	s.waitFor(waitTimeout, "Change "+b.Name+"'s access to Web Sales", "Expires")
	s.send("Tab")
	s.typeText("2027-03-31")
	s.waitFor(waitTimeout, "2027-03-31")
	s.send("Enter")
	s.waitFor(waitTimeout, "Expires: none → 2027-03-31", "[Cancel]")
	s.send("y")
	s.waitFor(waitTimeout, b.Name+": now subscribed, expires 2027-03-31")
	s.send("Enter")
	sc = s.waitUntil("the row with its expiry", waitTimeout, func(sc string) bool {
		l := memberLine(sc, b.Email)
		return strings.Contains(sc, "Expires") && strings.Contains(l, "2027-03-31") && strings.Contains(l, "subscribed")
	})
	if !strings.HasPrefix(memberLine(sc, b.Email), "› "+b.Name) {
		t.Errorf("the cursor left the changed member:\n%s", sc)
	}
}

// TestE2EMembersOnDemo: on --demo, as a new user would, the owner of Web
// Sales revokes a member and sets another's expiry.
func TestE2EMembersOnDemo(t *testing.T) {
	t.Parallel()
	// --demo runs the same emulator in the binary: the members are asked
	// of an identical one here.
	twin := startEmu(t, immutatest.Options{Sources: cli.DefaultDemoSources})
	ms := subscribedMembers(t, twin, 2)
	s := startTUI(t, tuiOpts{Args: []string{"--demo"}})
	openWebSalesAccess(t, s, immutatest.WebSalesUsers)
	revokeAndExpire(t, s, ms[0], ms[1])

	// Back and again: the server kept both changes.
	s.esc() // clears the filter
	s.waitGone(waitTimeout, "esc clears")
	s.esc()
	s.waitCrumb("Data sources › Web Sales")
	s.send("a")
	s.waitCrumb("Data sources › Web Sales › Access")
	n := immutatest.WebSalesUsers - 1
	all := regexp.MustCompile(fmt.Sprintf(`(%d|%s) of (%d|%s) loaded`, n, commas(n), n, commas(n)))
	s.waitUntil("every member loaded", startTimeout, func(sc string) bool { return all.MatchString(sc) })
	s.send("/")
	s.waitFor(waitTimeout, "name or email")
	s.typeText(ms[1].Email)
	s.waitUntil("the expiry after a reload", startTimeout, func(sc string) bool {
		return strings.Contains(memberLine(sc, ms[1].Email), "2027-03-31")
	})
	if sc := s.screen(); memberLine(sc, ms[0].Email) != "" {
		t.Errorf("the revoked member is back after a reload:\n%s", sc)
	}
}

// TestE2EMembersSentOnceAndFilters: the same walk against an emulator
// whose request log shows each write sent once with its body; the filter
// menu and the sort keys reach the call; read-only refuses the member
// writes without sending.
func TestE2EMembersSentOnceAndFilters(t *testing.T) {
	t.Parallel()
	srv := startEmu(t, immutatest.Options{Sources: demoSources})
	ms := subscribedMembers(t, srv, 2)
	srv.Handler.ResetLog()
	s := startOn(t, srv)
	openWebSalesAccess(t, s, immutatest.WebSalesUsers)
	revokeAndExpire(t, s, ms[0], ms[1])

	w := writesIn(srv.Handler.Requests())
	if len(w) != 2 {
		t.Fatalf("writes sent:\n%s", fmtReqs(w))
	}
	if p := fmt.Sprintf("/dataSource/%d/access/%d", immutatest.IDWebSales, ms[0].SubscriptionID); w[0].Method != http.MethodPut || w[0].Path != p ||
		!strings.Contains(w[0].Body, `"state":"denied"`) {
		t.Errorf("revoke sent %s %s %s", w[0].Method, w[0].Path, w[0].Body)
	}
	if p := fmt.Sprintf("/dataSource/%d/access/%d", immutatest.IDWebSales, ms[1].SubscriptionID); w[1].Method != http.MethodPut || w[1].Path != p ||
		!strings.Contains(w[1].Body, `"expiration":"2027-03-31T00:00:00Z"`) || !strings.Contains(w[1].Body, `"state":"subscribed"`) {
		t.Errorf("expiry sent %s %s %s", w[1].Method, w[1].Path, w[1].Body)
	}

	// Add the revoked member back: by email the lookup cannot find them
	// (they left the access list), so the form says so and keeps the
	// input; by profile id it works, once.
	s.esc() // clears the filter
	s.waitGone(waitTimeout, "esc clears")
	s.send("A")
	s.waitFor(waitTimeout, "Add a member to Web Sales", "profile id, email or name")
	s.send("Tab")
	s.typeText(ms[0].Email)
	s.send("C-s")
	s.waitFor(waitTimeout, fmt.Sprintf(`no user matching "%s"`, ms[0].Email), "type the profile id")
	s.send("BSpace")
	s.sendN("BSpace", len(ms[0].Email)-1)
	s.typeText(fmt.Sprint(ms[0].Profile))
	s.send("C-s")
	s.waitFor(waitTimeout, fmt.Sprintf("Add profile %d to Web Sales", ms[0].Profile), "As subscribed, with no expiration.", "[Cancel]")
	s.send("y")
	s.waitFor(waitTimeout, fmt.Sprintf("profile %d: added to Web Sales as subscribed", ms[0].Profile))
	s.send("Enter")
	back := fmt.Sprintf("%d of %d loaded", immutatest.WebSalesUsers, immutatest.WebSalesUsers)
	s.waitUntil("the list reloaded with the member back", startTimeout, func(sc string) bool {
		return strings.Contains(strings.ReplaceAll(sc, ",", ""), back)
	})
	w = writesIn(srv.Handler.Requests())
	if len(w) != 3 || w[2].Method != http.MethodPost || w[2].Path != fmt.Sprintf("/dataSource/%d/access", immutatest.IDWebSales) ||
		!strings.Contains(w[2].Body, fmt.Sprintf(`"profileId":%d`, ms[0].Profile)) {
		t.Fatalf("writes after the add:\n%s", fmtReqs(w))
	}

	// p: this source's pending requests.
	s.send("p")
	s.waitCrumb("Data sources › Web Sales › Access › Pending requests")
	s.esc()
	s.waitCrumb("Data sources › Web Sales › Access")

	// The filter menu: owner and expert, sorted by name; the header says so
	// and the call carries them (the order sent explicitly).
	srv.Handler.ResetLog()
	s.send("f")
	s.waitFor(waitTimeout, "Show which members", "[ ] state expert")
	s.send("Down", "Space", "Down", "Space") // expert, owner
	s.sendN("Down", 6)                       // the sort
	s.send("Right", "Enter")
	s.waitFor(waitTimeout, "server: state: expert, owner · sort: name asc")
	loadedRe := regexp.MustCompile(`(\d[\d,]*) of (\d[\d,]*) loaded`)
	s.waitUntil("the filtered list loaded", startTimeout, func(sc string) bool {
		m := loadedRe.FindStringSubmatch(sc)
		return m != nil && m[1] == m[2] && !strings.Contains(sc, "loading") && !strings.Contains(sc, "reloading")
	})
	var asked bool
	for _, r := range srv.Handler.Requests() {
		if r.Path == fmt.Sprintf("/dataSource/%d/access", immutatest.IDWebSales) && strings.Contains(r.Query, "states=expert&states=owner") &&
			strings.Contains(r.Query, "sortField=name") && strings.Contains(r.Query, "sortOrder=asc") {
			asked = true
		}
	}
	if !asked {
		t.Errorf("no access call with the filters:\n%s", fmtReqs(srv.Handler.Requests()))
	}
	for _, l := range lines(s.screen())[5:] {
		if strings.Contains(l, " subscribed ") {
			t.Errorf("a subscribed member under state: expert, owner: %q", l)
		}
	}

	// Read-only: the same keys say so and send nothing.
	ro := startOn(t, srv, "--read-only")
	openWebSalesAccess(t, ro, immutatest.WebSalesUsers)
	srv.Handler.ResetLog()
	ro.send("D")
	ro.waitFor(waitTimeout, "read-only mode: writes are disabled")
	ro.send("e", "A")
	ro.send("?")
	sc := ro.waitFor(waitTimeout, "Keys for Access")
	for _, w := range []string{"revoke", "add member", "edit state/expiry", "Revoke", "Add a member"} {
		if strings.Contains(sc, w) {
			t.Errorf("read-only shows %q:\n%s", w, sc)
		}
	}
	if w := writesIn(srv.Handler.Requests()); len(w) > 0 {
		t.Errorf("read-only wrote:\n%s", fmtReqs(w))
	}
}
