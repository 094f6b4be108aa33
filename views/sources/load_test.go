package sources

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// listServer is a GET /dataSource on 127.0.0.1 that misbehaves as told.
// Source i (from 0) has id i+1 and a name that sorts in id order.
type listServer struct {
	t     *testing.T
	rows  int // sources it has
	count int // the count it claims; -1 answers a bare array
	// ignoreOffset answers every page from the start; endless has a
	// source at every offset, however far.
	ignoreOffset, endless bool
	// fail, when set, says whether to answer this request with a 500.
	fail func(offset, attempt int) bool
	// limit is the most requests a sane client makes here: past it the
	// test fails, and the server answers 500 so that a client that does
	// not stop on its own still ends.
	limit int

	mu       sync.Mutex
	offsets  []int       // the offset of every request, in order
	attempts map[int]int // requests per offset
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/dataSource" {
		// The list's other calls (the pending requests count) are not
		// the load under test.
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	off, _ := strconv.Atoi(q.Get("offset"))
	size, _ := strconv.Atoi(q.Get("size"))
	s.mu.Lock()
	s.offsets = append(s.offsets, off)
	s.attempts[off]++
	n, attempt := len(s.offsets), s.attempts[off]
	s.mu.Unlock()
	if s.limit > 0 && n > s.limit {
		s.t.Errorf("request %d (offset %d): the list should have stopped by now", n, off)
		http.Error(w, `{"message":"too many requests"}`, http.StatusInternalServerError)
		return
	}
	if s.fail != nil && s.fail(off, attempt) {
		http.Error(w, `{"message":"boom"}`, http.StatusInternalServerError)
		return
	}
	from := off
	if s.ignoreOffset {
		from = 0
	}
	hits := []map[string]any{}
	for i := from; i < from+size && (s.endless || i < s.rows); i++ {
		hits = append(hits, map[string]any{"id": i + 1, "name": fmt.Sprintf("Source %09d", i+1), "status": "passed"})
	}
	w.Header().Set("Content-Type", "application/json")
	if s.count < 0 {
		_ = json.NewEncoder(w).Encode(hits)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"count": s.count, "hits": hits})
}

// requests returns the offsets asked for so far, and forgets them.
func (s *listServer) requests() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.offsets
	s.offsets = nil
	return out
}

// loadFrom loads the list from s with the real client (which retries a
// failed GET twice, 1 ms apart) and returns the driver once nothing is
// left running.
func loadFrom(t *testing.T, s *listServer, set func(*views.Session)) (*viewtest.Driver, *Model) {
	t.Helper()
	s.t = t
	s.attempts = map[int]int{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	client, err := apiclient.New(srv.URL, "test-key", apiclient.WithRetries(2, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	sess := viewtest.Context(client)
	// These tests pin the offsets of pages (a failure at 700, r asking for
	// 700 alone): fixed pages of 200, 4 in flight, as the list paged when
	// they were written. Adaptive paging has its own tests.
	sess.PageSize, sess.Concurrency, sess.FixedPaging = 200, 4, true
	if set != nil {
		set(sess)
	}
	m := New(sess)
	t.Cleanup(m.Close)
	return viewtest.New(t, m, 160, 12), m
}

func header(d *viewtest.Driver) string { return strings.SplitN(d.Screen(), "\n", 2)[0] }

// The list stops, and says why, when the server's pages stop making
// sense, whatever its count says: it used to ask for a billion rows'
// worth of pages.
func TestLoadStopsWhenPagesStopMakingSense(t *testing.T) {
	for _, c := range []struct {
		name   string
		srv    *listServer
		set    func(*views.Session)
		loaded int
		limit  int // requests
		word   string
	}{
		{name: "count lies, pages run out", srv: &listServer{rows: 1012, count: 1_000_000_000},
			loaded: 1012, limit: 12, word: "(stopped: empty page at 1012)"},
		{name: "server ignores offset", srv: &listServer{rows: 5000, count: 5000, ignoreOffset: true},
			loaded: 200, limit: 6, word: "(stopped: page at 300 repeats loaded rows)"},
		{name: "no count, server ignores offset", srv: &listServer{rows: 5000, count: -1, ignoreOffset: true},
			loaded: 200, limit: 3, word: "(stopped: page at 300 repeats loaded rows)"},
		{name: "pages never end", srv: &listServer{count: 1_000_000_000, endless: true},
			set: func(sess *views.Session) { sess.MaxRows = 1500 }, loaded: 1500, limit: 9, word: "(stopped at the 1,500-row cap)"},
		{name: "no count, pages never end", srv: &listServer{count: -1, endless: true},
			set: func(sess *views.Session) { sess.MaxRows = 1500 }, loaded: 1500, limit: 9, word: "(stopped at the 1,500-row cap)"},
		{name: "an honest server", srv: &listServer{rows: 1012, count: 1012},
			loaded: 1012, limit: 6, word: "1012 of 1012 loaded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := c.srv
			srv.limit = c.limit
			d, m := loadFrom(t, srv, c.set)
			if loaded, _ := m.Counts(); loaded != c.loaded {
				t.Errorf("loaded %d rows, want %d", loaded, c.loaded)
			}
			if !m.all.done {
				t.Error("the load is not done")
			}
			if h := header(d); !strings.Contains(h, c.word) || strings.Contains(h, "…") {
				t.Errorf("header %q, want it to say %q", h, c.word)
			}
			if c := cap(m.all.rows); c > firstReserve {
				t.Errorf("room reserved for %d rows on the server's word, want at most %d", c, firstReserve)
			}
			if n := len(srv.requests()); n > c.limit {
				t.Errorf("%d requests, want at most %d", n, c.limit)
			}
		})
	}
}

// A server that sends more rows than asked cannot push the list past its
// cap either.
func TestRowCapHoldsAgainstOversizedPages(t *testing.T) {
	srv := listServer{rows: 5000, count: 5000, ignoreOffset: true, limit: 3}
	_, m := loadFrom(t, &srv, func(sess *views.Session) { sess.MaxRows, sess.PageSize = 50, 1000 })
	if loaded, _ := m.Counts(); loaded != 50 {
		t.Errorf("loaded %d rows, want the cap, 50", loaded)
	}
	if got := New(viewtest.Context(nil)).maxRows(); got != DefaultMaxRows || DefaultMaxRows != 2_000_000 {
		t.Errorf("default cap %d, want 2 million", got)
	}
}

// One page that fails, even after the client's retries, is a gap: the rest
// load, the header counts what is missing, and r asks for that page alone,
// keeping every row already loaded. It used to stop the load for good at
// the failed page, and r started again from offset 0.
func TestFailedPageIsAGapThatRetryFills(t *testing.T) {
	const failures = 3 // the client's three tries
	srv := listServer{rows: 3007, count: 3007, limit: 40,
		fail: func(off, attempt int) bool { return off == 700 && attempt <= failures }}
	d, m := loadFrom(t, &srv, nil)
	if loaded, total := m.Counts(); loaded != 2807 || total != 3007 {
		t.Fatalf("loaded %d of %d, want every page but the failed one", loaded, total)
	}
	if h := header(d); !strings.Contains(h, "2807 of 3007 loaded · 200 missing (r retries)") {
		t.Errorf("header %q should count the missing rows and name the key", h)
	}
	if e, ok := viewtest.Last[views.ErrorMsg](d); !ok || !strings.Contains(e.What, "a page is left out") {
		t.Errorf("the failed page was not reported: %+v", d.Emitted)
	}
	if !helpSays(m, "r", "fetch the missing rows") {
		t.Error("the help does not say r fetches the missing rows")
	}
	if n := srv.attempts[700]; n != failures {
		t.Fatalf("offset 700 asked %d times, want %d (the client's tries)", n, failures)
	}
	srv.requests()

	d.Key("r")
	if got := srv.requests(); !slices.Equal(got, []int{700}) {
		t.Errorf("r asked for offsets %v, want only the missing page, 700", got)
	}
	if loaded, total := m.Counts(); loaded != 3007 || total != 3007 {
		t.Errorf("after r: loaded %d of %d", loaded, total)
	}
	if h := header(d); !strings.Contains(h, "3007 of 3007 loaded") || strings.Contains(h, "missing") || strings.Contains(h, "stopped") {
		t.Errorf("header after r: %q", h)
	}
	if !helpSays(m, "r", "refresh") {
		t.Error("with nothing missing, the help should say r refreshes")
	}
	if r, _ := m.Selected(); r.ID != 1 {
		t.Errorf("the first row selected is %d, want the first source", r.ID)
	}
}

// When the server fails page after page, the list stops asking instead of
// asking for every remaining page; r goes on from where it stopped.
func TestRunOfFailuresStopsTheLoadAndRetryResumes(t *testing.T) {
	down := true
	srv := listServer{rows: 9007, count: 9007, limit: 100,
		fail: func(off, _ int) bool { return down && off >= 1100 }}
	d, m := loadFrom(t, &srv, nil)
	if loaded, _ := m.Counts(); loaded != 1100 {
		t.Fatalf("loaded %d, want the pages before the outage", loaded)
	}
	// Into the outage go the pages in flight when it began (4), and one
	// more for each failure before a run of maxFailRun, twice at most (a
	// page from before the outage may answer late, between failures);
	// none of the 40 after them.
	failed := map[int]bool{}
	for _, off := range srv.requests() {
		if off >= 1100 {
			failed[off] = true
		}
	}
	if most := 4 + 2*(maxFailRun-1); len(failed) > most {
		t.Errorf("%d pages asked for during the outage, want at most %d", len(failed), most)
	}
	if h := header(d); !strings.Contains(h, "(stopped: error) · 7907 missing (r retries)") {
		t.Errorf("header %q", h)
	}

	down = false // the driver runs one command at a time: nothing reads it now
	d.Key("r")
	for _, off := range srv.requests() {
		if off < 1100 {
			t.Errorf("r asked again for offset %d, which had loaded", off)
		}
	}
	if loaded, total := m.Counts(); loaded != 9007 || total != 9007 {
		t.Errorf("after r: loaded %d of %d", loaded, total)
	}
	if h := header(d); strings.Contains(h, "missing") || strings.Contains(h, "stopped") {
		t.Errorf("header after r: %q", h)
	}
}

// Without missing pages, r is still a full refresh.
func TestRetryKeyRefreshesWhenNothingIsMissing(t *testing.T) {
	srv := listServer{rows: 450, count: 450, limit: 20}
	d, _ := loadFrom(t, &srv, nil)
	srv.requests()
	d.Key("r")
	if got := srv.requests(); len(got) == 0 || got[0] != 0 {
		t.Errorf("r asked for %v, want a reload from offset 0", got)
	}
}

// helpSays reports whether the full help binds key to what.
func helpSays(m *Model, key, what string) bool {
	for _, col := range m.FullHelp() {
		for _, b := range col {
			if h := b.Help(); h.Key == key && h.Desc == what {
				return true
			}
		}
	}
	return false
}

// A refresh that cannot fetch every page leaves the whole list it would
// have replaced on screen, and says so.
func TestRefreshWithMissingPagesKeepsTheWholeList(t *testing.T) {
	failing := false
	srv := listServer{rows: 3007, count: 3007, limit: 60,
		fail: func(off, _ int) bool { return failing && off == 700 }}
	d, m := loadFrom(t, &srv, nil)
	failing = true // the driver runs one command at a time: nothing reads it now
	d.Emitted = nil
	d.Key("r")
	if loaded, total := m.Counts(); loaded != 3007 || total != 3007 {
		t.Errorf("after a refresh with a gap: %d of %d", loaded, total)
	}
	if h := header(d); strings.Contains(h, "missing") || strings.Contains(h, "refreshing") {
		t.Errorf("header %q: the old, whole list should stay", h)
	}
	e, ok := viewtest.Last[views.ErrorMsg](d)
	if !ok || !strings.Contains(e.What, "200 rows could not be fetched (the old list is still shown)") {
		t.Errorf("errors: %+v", d.Emitted)
	}
	if n := len(d.Emitted); n != 1 {
		t.Errorf("%d messages for the root, want one error: %+v", n, d.Emitted)
	}
}
