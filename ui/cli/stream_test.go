package cli

// Streaming listings: pages fetched concurrently, printed in order, JSON
// that stays one valid array, tables that start before the list is in.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/ui/config"
)

// lsSequentialCommand is ls as it was before streaming: one page after the
// other, every row held, printed at the end. It is kept here, not in the
// product, as the reference the streamed output must equal and as the
// benchmark's baseline; registered only by the tests that use it.
var lsSequentialCommand = &command{
	name:    "ls-sequential",
	args:    "[--limit N] [--json]",
	summary: "ls as it was: sequential pages, everything held",
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var limit int
		var asJSON bool
		var search string
		fs.IntVar(&limit, "limit", 0, "")
		fs.BoolVar(&asJSON, "json", false, "")
		fs.StringVar(&search, "search", "", "")
		return func(r *run, args []string) error {
			o := apiclient.ListOptions{SearchText: search, Size: r.env.Target.PageSize}
			if limit > 0 && limit < o.Size {
				o.Size = limit
			}
			out := []apiclient.DataSource{}
			for d, err := range r.env.Client.AllDataSources(r.ctx, o) {
				if err != nil {
					return err
				}
				out = append(out, d)
				if limit > 0 && len(out) >= limit {
					break
				}
			}
			if asJSON {
				return writeJSON(r.io.Out, out)
			}
			if len(out) == 0 {
				fmt.Fprintln(r.io.Err, "no data sources match")
				return nil
			}
			t := newTable("ID", "NAME", "STATUS", "SUBSCRIPTION", "HANDLER", "SCHEMA", "STATE")
			for _, d := range out {
				t.add(strconv.FormatInt(d.ID, 10), d.Name, d.Status, d.SubscriptionStatus, d.BlobHandlerType, d.SQLSchemaName, state(&d))
			}
			return t.write(r.io.Out)
		}
	},
}

func withSequential(tb testing.TB) {
	old := commands
	commands = append(slices.Clone(commands), lsSequentialCommand)
	tb.Cleanup(func() { commands = old })
}

// page is one GET /dataSource as the server saw it.
type page struct{ offset, size int }

func pageOf(t testing.TB, rawQuery string) page {
	t.Helper()
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		t.Fatalf("query %q: %v", rawQuery, err)
	}
	off, _ := strconv.Atoi(q.Get("offset")) // absent: 0
	size, err := strconv.Atoi(q.Get("size"))
	if err != nil {
		t.Fatalf("query %q has no size", rawQuery)
	}
	return page{off, size}
}

func listPages(t testing.TB, h *immutatest.Handler) []page {
	var ps []page
	for _, q := range h.Requests() {
		if q.Method == http.MethodGet && q.Path == "/dataSource" {
			ps = append(ps, pageOf(t, q.Query))
		}
	}
	return ps
}

func ids(t *testing.T, jsonOut string) []int64 {
	t.Helper()
	var objs []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(jsonOut), &objs); err != nil {
		t.Fatalf("not a JSON array: %v\n%.300s", err, jsonOut)
	}
	out := make([]int64, len(objs))
	for i, o := range objs {
		out[i] = o.ID
	}
	return out
}

// allIDs is the server's own order, read page by page straight from the
// handler (then the request log is cleared).
func allIDs(t *testing.T, h *immutatest.Handler) []int64 {
	t.Helper()
	var out []int64
	for {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/dataSource?offset=%d&size=1000", len(out)), nil)
		req.Header.Set("Authorization", h.Key())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var p struct {
			Count int `json:"count"`
			Hits  []struct {
				ID int64 `json:"id"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("reading the list: %d %v %.200s", rec.Code, err, rec.Body.String())
		}
		for _, hit := range p.Hits {
			out = append(out, hit.ID)
		}
		if len(p.Hits) == 0 || len(out) >= p.Count {
			h.ResetLog()
			return out
		}
	}
}

// wrapped serves an emulator with o behind f, on 127.0.0.1, like tamper
// but with as many sources as a test needs.
func wrapped(t *testing.T, o immutatest.Options, f func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool) (*immutatest.Handler, map[string]string) {
	t.Helper()
	h := immutatest.NewHandler(o)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f == nil || !f(w, r, h) {
			h.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return h, map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": h.Key()}
}

// The streamed --json is byte for byte what the old sequential ls printed,
// for none, one and many sources, and --wide is the old table.
func TestStreamedJSONEqualsSequential(t *testing.T) {
	withSequential(t)
	srv := immutatest.NewServer(immutatest.Options{Sources: 2500})
	t.Cleanup(srv.Close)
	env := map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": srv.Handler.Key()}
	for _, c := range []struct {
		name string
		args []string
		rows int
	}{
		{"none", []string{"--search", "no-such-source-anywhere"}, 0},
		{"one", []string{"--limit", "1"}, 1},
		{"many", nil, srv.Handler.Len()},
		{"limit across pages", []string{"--limit", "777"}, 777},
	} {
		t.Run(c.name, func(t *testing.T) {
			old := runMain(t, env, "", append([]string{"ls-sequential", "--json"}, c.args...)...)
			got := runMain(t, env, "", append([]string{"ls", "--json"}, c.args...)...)
			if got.code != 0 || old.code != 0 {
				t.Fatalf("exit %d (old %d): %s", got.code, old.code, got.err.String())
			}
			if n := len(ids(t, got.out.String())); n != c.rows {
				t.Fatalf("%d objects, want %d", n, c.rows)
			}
			if !bytes.Equal(got.out.Bytes(), old.out.Bytes()) {
				t.Fatalf("streamed JSON differs from the sequential one:\n%.400s\n---\n%.400s", got.out.String(), old.out.String())
			}
			if c.rows == 0 {
				if got.out.String() != "[]\n" {
					t.Fatalf("empty list: %q", got.out.String())
				}
				return
			}
			oldPlain := runMain(t, env, "", append([]string{"ls-sequential"}, c.args...)...)
			wide := runMain(t, env, "", append([]string{"ls", "--wide"}, c.args...)...)
			if wide.out.String() != oldPlain.out.String() {
				t.Fatalf("--wide differs from the old table:\n%.400s\n---\n%.400s", wide.out.String(), oldPlain.out.String())
			}
		})
	}
}

// A server that answers later pages first: the output is still in list
// order, each source once.
func TestStreamOrderWithPagesOutOfOrder(t *testing.T) {
	var (
		mu      sync.Mutex
		held    []page
		arrived = make(chan struct{})
		turn    = map[int]chan struct{}{}
		total   int
	)
	h, env := wrapped(t, immutatest.Options{Sources: 1000}, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
		if r.URL.Path != "/dataSource" {
			return false
		}
		p := pageOf(t, r.URL.RawQuery)
		if p.offset == 0 {
			return false // the first page comes alone: the rest is planned from its count
		}
		// Hold every later page until the rest of the list is asked for
		// (it fits in the requests in flight), then answer the last first.
		mu.Lock()
		held = append(held, p)
		covered := 0
		for _, q := range held {
			covered += q.size
		}
		if covered >= total-100 {
			slices.SortFunc(held, func(a, b page) int { return b.offset - a.offset })
			for i, q := range held {
				turn[q.offset] = make(chan struct{})
				if i == 0 {
					close(turn[q.offset])
				}
			}
			close(arrived)
		}
		mu.Unlock()
		select {
		case <-arrived:
		case <-time.After(20 * time.Second): // a guard, not a wait: fails below
			t.Errorf("page %+v: the rest of the list was never asked for at once", p)
			return false
		}
		mu.Lock()
		mine := turn[p.offset]
		mu.Unlock()
		<-mine
		h.ServeHTTP(w, r)
		w.(http.Flusher).Flush()
		mu.Lock()
		for i, q := range held {
			if q.offset == p.offset && i+1 < len(held) {
				close(turn[held[i+1].offset])
			}
		}
		mu.Unlock()
		return true
	})
	want := allIDs(t, h)
	total = len(want)
	res := runMain(t, env, "", "ls", "--json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.err.String())
	}
	if len(held) < 2 {
		t.Fatalf("only %d later pages: nothing was out of order", len(held))
	}
	if got := ids(t, res.out.String()); !slices.Equal(got, want) {
		t.Fatalf("order lost: %d ids, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// signalWriter closes first on its first write.
type signalWriter struct {
	bytes.Buffer
	once  sync.Once
	first chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	defer w.once.Do(func() { close(w.first) })
	return w.Buffer.Write(p)
}

// WriteString hides the Buffer's, which io.WriteString would call instead.
func (w *signalWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// Output starts before the list is in: the server holds every page after
// the first until the first page's rows are on stdout.
func TestStreamPrintsBeforeTheRestArrives(t *testing.T) {
	for _, args := range [][]string{{"ls"}, {"ls", "--json"}} {
		out := &signalWriter{first: make(chan struct{})}
		_, env := wrapped(t, immutatest.Options{Sources: 1000}, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
			if r.URL.Path == "/dataSource" && pageOf(t, r.URL.RawQuery).offset > 0 {
				select {
				case <-out.first:
				case <-time.After(5 * time.Second): // a guard: the test fails
					t.Errorf("%v: nothing printed while later pages were pending", args)
				}
			}
			return false
		})
		hermetic(t)
		var errb bytes.Buffer
		code := Main(t.Context(), args, IO{In: strings.NewReader(""), Out: out, Err: &errb,
			Getenv: func(k string) string { return env[k] }}, nil)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
	}
}

// --limit asks for exactly the rows it prints: no request past the limit,
// none overlapping.
func TestStreamLimitSendsNoExtraRequests(t *testing.T) {
	_, srv := emulated(t, immutatest.Options{Sources: 5000})
	env := map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": srv.Handler.Key()}
	for _, limit := range []int{1, 99, 100, 101, 250, 2345} {
		srv.Handler.ResetLog()
		res := runMain(t, env, "", "ls", "--json", "--limit", strconv.Itoa(limit))
		if n := len(ids(t, res.out.String())); res.code != 0 || n != limit {
			t.Fatalf("--limit %d: exit %d, %d rows", limit, res.code, n)
		}
		ps := listPages(t, srv.Handler)
		asked := 0
		for _, p := range ps {
			asked += p.size
			if p.offset+p.size > limit {
				t.Errorf("--limit %d asked for %+v, past the limit", limit, p)
			}
		}
		if asked != limit {
			t.Errorf("--limit %d asked for %d rows in %d requests: %v", limit, asked, len(ps), ps)
		}
	}
}

// A server that caps the page size: the short page is noticed, the rest of
// it asked for, nothing larger than the cap asked again, nothing lost or
// repeated.
func TestStreamCappedPageSize(t *testing.T) {
	for _, c := range []struct {
		name           string
		sources, limit int
		wantLarge      int // requests above the cap at most
	}{
		{"first page", 500, 40, 1},                             // the first page of 100 comes back with 40
		{"later pages", 5000, 300, config.DefaultConcurrency},  // the first page is whole; those in flight come back short
		{"with --limit", 5000, 300, config.DefaultConcurrency}, // and the limit still holds
		{"cap of one", 30, 1, 1},                               // one row a request
	} {
		t.Run(c.name, func(t *testing.T) {
			_, srv := emulated(t, immutatest.Options{Sources: c.sources, MaxPageSize: c.limit})
			env := map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": srv.Handler.Key()}
			args := []string{"ls", "--json"}
			want := allIDs(t, srv.Handler)
			if c.name == "with --limit" {
				args = append(args, "--limit", "1234")
				want = want[:1234]
			}
			res := runMain(t, env, "", args...)
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.err.String())
			}
			if got := ids(t, res.out.String()); !slices.Equal(got, want) {
				t.Fatalf("%d ids, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
			large := 0
			for _, p := range listPages(t, srv.Handler) {
				if p.size > c.limit {
					large++
				}
			}
			if large > c.wantLarge {
				t.Errorf("%d requests above the cap of %d, want at most %d", large, c.limit, c.wantLarge)
			}
		})
	}
}

// A page that still fails after the client's retries: the pages before it
// are printed (even though they came after the failure), then one error
// line, exit 1; the JSON array is left open so no parser takes it whole.
func TestStreamFailureMidway(t *testing.T) {
	old := testClientOptions
	testClientOptions = []apiclient.Option{apiclient.WithRetries(2, time.Millisecond)}
	t.Cleanup(func() { testClientOptions = old })
	for _, asJSON := range []bool{false, true} {
		var failing, failAt atomic.Int32
		failed := make(chan struct{})
		var once sync.Once
		_, env := wrapped(t, immutatest.Options{Sources: 5000}, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
			if r.URL.Path != "/dataSource" {
				return false
			}
			switch p := pageOf(t, r.URL.RawQuery); {
			case p.offset == 0, p.offset > 1000:
				return false
			case p.offset+p.size > 1000: // the page holding item 1000
				failAt.Store(int32(p.offset))
				// Every attempt fails; the last one lets the earlier
				// pages through, so they are answered after the failure.
				if failing.Add(1) == 3 {
					defer once.Do(func() { close(failed) })
				}
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"message": "overloaded"}`)
				return true
			default:
				select {
				case <-failed:
				case <-time.After(20 * time.Second): // a guard: the test fails
					t.Errorf("the failing page was not asked for alongside %+v", p)
				}
				return false
			}
		})
		args := []string{"ls", "--limit", "2000"}
		if asJSON {
			args = append(args, "--json")
		}
		res := runMain(t, env, "", args...)
		errLines := strings.Split(strings.TrimRight(res.err.String(), "\n"), "\n")
		if res.code != 1 || len(errLines) != 1 || !strings.HasPrefix(errLines[0], "error: ") || !strings.Contains(errLines[0], "overloaded") {
			t.Fatalf("json %v: exit %d, stderr %q", asJSON, res.code, res.err.String())
		}
		if n := failing.Load(); n != 3 {
			t.Errorf("the failing page was sent %d times, want 3 (2 retries)", n)
		}
		var printed int
		if asJSON {
			out := res.out.String()
			if json.Valid([]byte(out)) {
				t.Fatalf("a partial list parses as a whole one:\n%.200s", out)
			}
			printed = len(ids(t, out+"\n]"))
		} else {
			printed = len(rows(res.out.String()))
		}
		if want := int(failAt.Load()); printed != want {
			t.Errorf("json %v: %d rows before the failure, want the %d before it", asJSON, printed, want)
		}
	}
}

// A server that ignores offset would be listed forever: it is stopped at
// the first repeated page.
func TestStreamRepeatedPage(t *testing.T) {
	_, env := wrapped(t, immutatest.Options{Sources: 1000}, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
		if r.URL.Path == "/dataSource" {
			q := r.URL.Query()
			q.Del("offset")
			r.URL.RawQuery = q.Encode()
		}
		return false
	})
	for _, a := range [][]string{{"ls"}, {"ls", "--json"}} {
		res := runMain(t, env, "", a...)
		if res.code != 1 || !strings.Contains(res.err.String(), "repeats the previous page") {
			t.Fatalf("%v: exit %d: %s", a, res.code, res.err.String())
		}
	}
}

// An empty page before the total is reached ends the list, without error,
// as it did before.
func TestStreamEmptyPageEnds(t *testing.T) {
	var emptyAt atomic.Int32
	emptyAt.Store(1 << 30)
	_, env := wrapped(t, immutatest.Options{Sources: 1000}, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
		if p := pageOf(t, r.URL.RawQuery); r.URL.Path == "/dataSource" && p.offset >= 300 {
			for old := emptyAt.Load(); int32(p.offset) < old && !emptyAt.CompareAndSwap(old, int32(p.offset)); old = emptyAt.Load() {
			}
			_, _ = fmt.Fprintf(w, `{"count": %d, "hits": []}`, h.Len())
			return true
		}
		return false
	})
	res := runMain(t, env, "", "ls", "--json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.err.String())
	}
	if n, want := len(ids(t, res.out.String())), int(emptyAt.Load()); n != want {
		t.Fatalf("%d rows, want the %d before the first empty page", n, want)
	}
}

// The table's columns come from the first page: a longer name later is cut
// with "…" and keeps its row in line; an ID is never cut.
func TestStreamTableWidthsFromFirstPage(t *testing.T) {
	long := strings.Repeat("Quarterly revenue ", 3)
	env := serveList(t, 150, func(i int) string {
		id, name := strconv.Itoa(i+1), fmt.Sprintf("src %d", i)
		if i == 120 {
			id, name = "1234567890123", long
		}
		return fmt.Sprintf(`{"id": %s, "name": %q, "status": "passed", "subscriptionStatus": "subscribed"}`, id, name)
	})
	res := runMain(t, env, "", "ls")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.err.String())
	}
	lines := rows(res.out.String())
	if len(lines) != 150 {
		t.Fatalf("%d rows", len(lines))
	}
	header := strings.SplitN(res.out.String(), "\n", 2)[0]
	status := strings.Index(header, "STATUS")
	row := lines[120]
	if !strings.HasPrefix(row, "1234567890123 ") || !strings.Contains(row, "…") || strings.Contains(row, long) {
		t.Fatalf("row 120 %q under %q", row, header)
	}
	if i := strings.Index(lines[121], "passed"); ansi.StringWidth(lines[121][:i]) != status {
		t.Fatalf("misaligned: %q under %q", lines[121], header)
	}
	wide := runMain(t, env, "", "ls", "--wide")
	if !strings.Contains(wide.out.String(), strings.TrimSpace(long)) {
		t.Fatalf("--wide cut the name:\n%s", rows(wide.out.String())[120])
	}
}

// serveList answers GET /dataSource with n sources built by obj, honouring
// offset and size.
func serveList(t *testing.T, n int, obj func(i int) string) map[string]string {
	t.Helper()
	_, env := wrapped(t, immutatest.Options{}, func(w http.ResponseWriter, r *http.Request, h *immutatest.Handler) bool {
		if r.URL.Path != "/dataSource" {
			return false
		}
		p := pageOf(t, r.URL.RawQuery)
		var hits []string
		for i := p.offset; i < min(p.offset+p.size, n); i++ {
			hits = append(hits, obj(i))
		}
		_, _ = fmt.Fprintf(w, `{"count": %d, "hits": [%s]}`, n, strings.Join(hits, ","))
		return true
	})
	return env
}

// access streams the same way: every member once, in the server's order.
func TestStreamAccess(t *testing.T) {
	_, srv := emulated(t, immutatest.Options{Sources: 20})
	env := map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": srv.Handler.Key()}
	res := runMain(t, env, "", "access", strconv.Itoa(immutatest.IDWebSales), "--json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.err.String())
	}
	var users []struct {
		Profile int64 `json:"profile"`
	}
	if err := json.Unmarshal(res.out.Bytes(), &users); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, u := range users {
		if seen[u.Profile] {
			t.Fatalf("profile %d twice", u.Profile)
		}
		seen[u.Profile] = true
	}
	if len(users) != 2500 {
		t.Fatalf("%d users, want 2500", len(users))
	}
	plain := runMain(t, env, "", "access", strconv.Itoa(immutatest.IDWebSales), "--limit", "150")
	if got := len(rows(plain.out.String())); plain.code != 0 || got != 150 {
		t.Fatalf("--limit 150: exit %d, %d rows", plain.code, got)
	}
	if res := runMain(t, env, "", "access", "999999"); res.code != 1 || !strings.Contains(res.err.String(), "data source 999999 not found") {
		t.Fatalf("missing source: %d %s", res.code, res.err.String())
	}
}

// A page rendered from the raw bytes is what writeJSON prints for the same
// objects, whitespace, HTML characters, U+2028, C1 and bidi controls
// included; an object without raw bytes goes through the encoder.
func TestRenderJSONEqualsWriteJSON(t *testing.T) {
	raws := []string{
		"{ \"a\" : \"<b>&amp;\u2028\" ,\n\t\"n\": [ 1 ,2 ], \"e\": {} }",
		"{\"name\": \"x\u0085y\u202ez\x7f\", \"empty\": []}",
		"{}",
	}
	var items []apiclient.DataSource
	for _, r := range raws {
		var d apiclient.DataSource
		if err := json.Unmarshal([]byte(r), &d); err != nil {
			t.Fatal(err)
		}
		items = append(items, d)
	}
	items = append(items, apiclient.DataSource{ID: 7, Name: "no raw bytes"})
	var want, got bytes.Buffer
	if err := writeJSON(&want, items); err != nil {
		t.Fatal(err)
	}
	a := &jsonStream{w: &got}
	for _, page := range [][]apiclient.DataSource{items[:1], items[1:3], items[3:]} {
		b, err := renderJSON(page, func(d *apiclient.DataSource) json.RawMessage { return d.Raw })
		if err != nil {
			t.Fatal(err)
		}
		if err := a.emit(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.close(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("streamed:\n%s\nwriteJSON:\n%s", got.String(), want.String())
	}
}
