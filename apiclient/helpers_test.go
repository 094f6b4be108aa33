package apiclient_test

// Shared test helpers, in the spirit of go-github's setup(t): a real HTTP
// server (net/http/httptest) that records every request it gets, and a
// client pointed at it with fast retries.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// testKey is distinctive so a leak is easy to spot in any string.
const testKey = "sekret-KEY-123"

// hit is one request as the server saw it.
type hit struct {
	Method string
	Path   string // escaped path exactly as sent (from the request line)
	Query  url.Values
	Header http.Header
	Body   []byte
}

// server is an httptest.Server that records its hits. The handler gets the
// 1-based number of the hit.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	hits []hit
}

func newServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body)) // still readable by h
		path, _, _ := strings.Cut(r.RequestURI, "?")
		s.mu.Lock()
		s.hits = append(s.hits, hit{Method: r.Method, Path: path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		n := len(s.hits)
		s.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) Hits() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

func (s *server) count() int { return len(s.Hits()) }

// countPath is how many hits had this method and path.
func (s *server) countPath(method, path string) int {
	n := 0
	for _, h := range s.Hits() {
		if h.Method == method && h.Path == path {
			n++
		}
	}
	return n
}

// newClient is a client for s with millisecond retries, so retry tests are
// fast, and the raw key pinned, so a write is not preceded by the auth probe
// (auth_test.go covers AuthAuto, the default, with autoClient); opts come
// after and may override.
func newClient(t *testing.T, s *server, opts ...apiclient.Option) *apiclient.Client {
	t.Helper()
	return newClientURL(t, s.URL, opts...)
}

func newClientURL(t *testing.T, u string, opts ...apiclient.Option) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(u, testKey, append([]apiclient.Option{apiclient.WithRetries(3, time.Millisecond), apiclient.WithAuthMode(apiclient.AuthRaw)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reply writes a JSON (or any) body with a status.
func reply(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fixture reads an example body of apiclient.FixtureDirs (verbatim copies
// of the seeds' examples).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	for _, dir := range apiclient.FixtureDirs {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return b
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	t.Fatalf("no fixture %s in %v", name, apiclient.FixtureDirs)
	return nil
}

// fixtures are all the example bodies, by file name, for fuzz seeds.
func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range apiclient.FixturePaths(t) {
		out[filepath.Base(p)] = fixture(t, filepath.Base(p))
	}
	return out
}

// route is a server that answers one method+path (and query, when query is
// not nil) with status and body, and fails the test on anything else.
func route(t *testing.T, method, path string, query url.Values, status int, body []byte) *server {
	t.Helper()
	return newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		gotPath, _, _ := strings.Cut(r.RequestURI, "?")
		if r.Method != method || gotPath != path {
			t.Errorf("server got %s %s, want %s %s", r.Method, r.RequestURI, method, path)
			reply(w, http.StatusTeapot, nil)
			return
		}
		if query != nil && !reflect.DeepEqual(r.URL.Query(), query) {
			t.Errorf("query = %v, want %v", r.URL.Query(), query)
		}
		if query == nil && r.URL.RawQuery != "" {
			t.Errorf("unexpected query %q", r.URL.RawQuery)
		}
		reply(w, status, body)
	})
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(t testing.TB, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("not JSON: %v: %s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

// checkRaw asserts that raw is the object exactly as sent: a verbatim slice
// of body, and it must marshal back to itself.
func checkRaw(t *testing.T, what string, raw json.RawMessage, body []byte, marshal func() ([]byte, error)) {
	t.Helper()
	if len(raw) == 0 || !bytes.Contains(body, raw) {
		t.Errorf("%s: Raw is not a verbatim part of the response:\n%s", what, raw)
	}
	got, err := marshal()
	if err != nil {
		t.Fatalf("%s: MarshalJSON: %v", what, err)
	}
	if !bytes.Equal(got, raw) {
		t.Errorf("%s: MarshalJSON = %s, want the raw JSON %s", what, got, raw)
	}
}

func ptrVal[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// noSecret fails when a string a user may see holds the API key (or one of
// the other secrets given).
func noSecret(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, sec := range append([]string{testKey}, secrets...) {
		if strings.Contains(s, sec) {
			t.Errorf("secret %q leaked into %q", sec, s)
		}
	}
}

// within fails when f takes longer than d.
func within(t *testing.T, d time.Duration, f func()) time.Duration {
	t.Helper()
	start := time.Now()
	f()
	took := time.Since(start)
	if took > d {
		t.Errorf("took %v, want under %v", took, d)
	}
	return took
}
