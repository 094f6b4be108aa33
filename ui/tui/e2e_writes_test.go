package tui_test

// End-to-end tests of the write flows (issue 8, section 1): a disable
// never becomes a permanent delete.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// Found (a): D pressed twice while the state check before a delete is
// slow opened a second dialog over the first, and confirming both sent
// DELETE twice: the source was gone for good while the screen said
// "disabled". Now the second D is refused with a word, one dialog opens,
// one DELETE is sent, and the source is disabled, so it can be restored.
func TestE2EDeleteKeyTwiceWhileCheckIsSlow(t *testing.T) {
	t.Parallel()
	name := immutatest.NamePublicAaaTpc
	path := fmt.Sprintf("/dataSource/%d", immutatest.IDPublicAaaTpc)
	// The state check is held at the server until the test has seen the
	// second D refused: the second key always lands while the check is in
	// flight, however busy the machine (no latency to guess).
	h := immutatest.NewHandler(immutatest.Options{})
	var armed atomic.Bool
	release := make(chan struct{})
	var once sync.Once
	letGo := func() { once.Do(func() { close(release) }) }
	t.Cleanup(letGo)
	emu := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == path && armed.CompareAndSwap(true, false) {
			<-release
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(emu.Close)
	srv := &immutatest.Server{URL: emu.URL, Handler: h}
	s := startOn(t, srv)
	s.waitFor(startTimeout, loadedText(srv.Handler.Len()))
	status := func(sc string) string {
		rs := listRows(sc)
		if i := findRow(rs, name); i >= 0 && len(rs[i].Cells) > 3 {
			return rs[i].Cells[3]
		}
		return ""
	}
	filterList(t, s, name)
	s.waitUntil("the row, passed", startTimeout, func(sc string) bool { return status(sc) == "passed" })
	srv.Handler.ResetLog()
	armed.Store(true)

	s.send("D")
	s.waitUntil("the state check under way", waitTimeout, func(sc string) bool {
		return strings.Contains(line(sc, 0), "checking current state")
	})
	s.send("D")
	sc := s.waitFor(waitTimeout, "a write on "+name+" is already in progress")
	if strings.Contains(sc, "Disable "+name) {
		t.Fatalf("the dialog opened before the check answered:\n%s", sc)
	}
	letGo()
	s.waitFor(waitTimeout, "Disable "+name+" (soft delete)", "DELETE "+path)
	if n := countReq(srv.Handler.Requests(), http.MethodGet, path); n != 1 {
		t.Errorf("%d state checks (GET %s), want 1:\n%s", n, path, fmtReqs(srv.Handler.Requests()))
	}
	s.send("y")
	s.waitFor(startTimeout, name+": disabled (soft delete)", "u undo: restore")
	s.send("Enter")
	s.waitGone(waitTimeout, "Disable "+name)
	s.waitUntil("the row disabled", waitTimeout, func(sc string) bool { return status(sc) == "disabled" })

	reqs := srv.Handler.Requests()
	if n := countReq(reqs, http.MethodDelete, path); n != 1 {
		t.Fatalf("%d DELETE %s, want exactly 1:\n%s", n, path, fmtReqs(reqs))
	}
	if w := writesIn(reqs); len(w) != 1 {
		t.Errorf("writes %s, want the one DELETE", fmtReqs(w))
	}
	if _, ok := srv.Handler.SourceName(immutatest.IDPublicAaaTpc); !ok {
		t.Fatalf("%s is gone from the server: the disable became a permanent delete", name)
	}

	// Still restorable: u on the row, confirm, back to passed.
	s.send("u")
	s.waitFor(waitTimeout, "Restore "+name, "Re-enable")
	s.send("y")
	s.waitFor(startTimeout, name+": restored")
	s.send("Enter")
	s.waitGone(waitTimeout, "Restore "+name)
	s.waitUntil("the row restored", startTimeout, func(sc string) bool { return status(sc) == "passed" })
	if n := countReq(srv.Handler.Requests(), http.MethodPut, path); n != 1 {
		t.Errorf("%d PUT %s, want 1", n, path)
	}
	s.alive()
}
