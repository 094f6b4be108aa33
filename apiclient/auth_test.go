package apiclient_test

// Authentication (the key as Bearer or raw, the key-for-token exchange on a
// 401), the User-Agent, and read-only mode.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

const exchangePath = "/bim/apikey/authenticate"

func TestDefaultHeaders(t *testing.T) {
	t.Parallel()
	s := route(t, http.MethodGet, "/dataSource/22", nil, 200, fixture(t, "get_22.json"))
	if _, err := newClient(t, s).GetDataSource(context.Background(), 22); err != nil {
		t.Fatal(err)
	}
	h := s.Hits()[0].Header
	if got := h.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
	if ua := h.Get("User-Agent"); !strings.HasPrefix(ua, "dsbrowse/") {
		t.Errorf("User-Agent = %q", ua)
	}
	if got := h.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := h.Get("Content-Type"); got != "" {
		t.Errorf("a GET without a body sent Content-Type %q", got)
	}
}

func TestRawAuthMode(t *testing.T) {
	t.Parallel()
	s := route(t, http.MethodGet, "/native-s3/handler/1", nil, 200, fixture(t, "s3_handler_response.json"))
	if _, err := newClient(t, s, apiclient.WithAuthMode(apiclient.AuthRaw)).GetS3Handler(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if got := s.Hits()[0].Header.Get("Authorization"); got != testKey {
		t.Errorf("Authorization = %q, want the raw key", got)
	}
	// An empty mode keeps Bearer.
	s = route(t, http.MethodGet, "/native-s3/handler/1", nil, 200, fixture(t, "s3_handler_response.json"))
	_, _ = newClient(t, s, apiclient.WithAuthMode("")).GetS3Handler(context.Background(), 1)
	if got := s.Hits()[0].Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
}

func TestKeyFromAFileLosesItsNewline(t *testing.T) {
	t.Parallel()
	s := route(t, http.MethodGet, "/dataSource/22", nil, 200, fixture(t, "get_22.json"))
	c, err := apiclient.New(s.URL, "  "+testKey+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDataSource(context.Background(), 22); err != nil {
		t.Fatal(err)
	}
	if got := s.Hits()[0].Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
}

func TestUserAgentAndNilOptions(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { reply(w, 200, []byte(`{"id":1}`)) })
	c := newClient(t, s, apiclient.WithUserAgent("dsbrowse/1.2.3 (ci)"))
	_, _ = c.GetDataSource(context.Background(), 1)
	// nil and empty options keep the defaults instead of breaking the client.
	c = newClient(t, s, apiclient.WithUserAgent(""), apiclient.WithHTTPClient(nil), apiclient.WithLogger(nil))
	if _, err := c.GetDataSource(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	h := s.Hits()
	if ua := h[0].Header.Get("User-Agent"); ua != "dsbrowse/1.2.3 (ci)" {
		t.Errorf("User-Agent = %q", ua)
	}
	if ua := h[1].Header.Get("User-Agent"); ua != "dsbrowse/"+apiclient.Version {
		t.Errorf("User-Agent = %q", ua)
	}
	// A custom HTTP client is used.
	var used atomic.Bool
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used.Store(true)
		return http.DefaultTransport.RoundTrip(r)
	})}
	if _, err := newClient(t, s, apiclient.WithHTTPClient(hc)).GetDataSource(context.Background(), 1); err != nil || !used.Load() {
		t.Errorf("custom client used=%v err=%v", used.Load(), err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// tokenServer accepts only "Bearer <token>", where token comes from the
// exchange; exchange decides what the exchange answers.
type tokenServer struct {
	*server
	mu        sync.Mutex
	token     string // what the server currently accepts
	exchanges atomic.Int32
}

func newTokenServer(t *testing.T, token string, exchange func(w http.ResponseWriter, r *http.Request)) *tokenServer {
	ts := &tokenServer{token: token}
	ts.server = newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == exchangePath {
			ts.exchanges.Add(1)
			exchange(w, r)
			return
		}
		ts.mu.Lock()
		ok := r.Header.Get("Authorization") == "Bearer "+ts.token
		ts.mu.Unlock()
		if !ok {
			reply(w, 401, []byte(`{"statusCode":401,"error":"Unauthorized","message":"Invalid token"}`))
			return
		}
		if r.Method == http.MethodGet {
			reply(w, 200, []byte(`{"id":22,"name":"Public Barfoo"}`))
			return
		}
		reply(w, 200, []byte(`{"success":true,"id":22}`))
	})
	return ts
}

func (ts *tokenServer) setToken(tok string) {
	ts.mu.Lock()
	ts.token = tok
	ts.mu.Unlock()
}

// giveToken answers the exchange with a token, after checking its request.
func giveToken(t *testing.T, tok *atomic.Value) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			APIKey string `json:"apikey"`
		}
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("exchange: %s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		if r.Header.Get("Authorization") != "" {
			t.Errorf("exchange sent the key in a header too")
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.APIKey != testKey {
			reply(w, 401, []byte(`{"message":"bad api key"}`))
			return
		}
		reply(w, 200, []byte(`{"token":"`+tok.Load().(string)+`","expiresIn":3600}`))
	}
}

func TestKeyExchangeOn401(t *testing.T) {
	t.Parallel()
	var tok atomic.Value
	tok.Store("tok-1")
	ts := newTokenServer(t, "tok-1", giveToken(t, &tok))
	c := newClient(t, ts.server)
	ctx := context.Background()

	d, err := c.GetDataSource(ctx, 22)
	if err != nil || d.ID != 22 {
		t.Fatalf("%v %v", d, err)
	}
	hits := ts.Hits()
	if len(hits) != 3 || hits[0].Header.Get("Authorization") != "Bearer "+testKey ||
		hits[1].Path != exchangePath || hits[1].Method != http.MethodPost ||
		hits[2].Path != "/dataSource/22" || hits[2].Header.Get("Authorization") != "Bearer tok-1" {
		t.Fatalf("requests: %+v", hits)
	}
	// The token is kept: no more exchanges.
	for range 3 {
		if _, err := c.GetDataSource(ctx, 22); err != nil {
			t.Fatal(err)
		}
	}
	if ts.exchanges.Load() != 1 || ts.count() != 6 {
		t.Errorf("%d exchanges, %d requests; want 1, 6", ts.exchanges.Load(), ts.count())
	}
	// The token expires: exchange once more, replay, go on.
	tok.Store("tok-2")
	ts.setToken("tok-2")
	if _, err := c.GetDataSource(ctx, 22); err != nil {
		t.Fatal(err)
	}
	if ts.exchanges.Load() != 2 || ts.Hits()[ts.count()-1].Header.Get("Authorization") != "Bearer tok-2" {
		t.Errorf("after expiry: %d exchanges", ts.exchanges.Load())
	}
}

func TestKeyExchangeWithRawMode(t *testing.T) {
	t.Parallel()
	var tok atomic.Value
	tok.Store("tok-raw")
	ts := newTokenServer(t, "tok-raw", giveToken(t, &tok))
	if _, err := newClient(t, ts.server, apiclient.WithAuthMode(apiclient.AuthRaw)).GetDataSource(context.Background(), 22); err != nil {
		t.Fatal(err)
	}
	h := ts.Hits()
	if h[0].Header.Get("Authorization") != testKey || h[2].Header.Get("Authorization") != "Bearer tok-raw" {
		t.Errorf("auth headers: %q then %q", h[0].Header.Get("Authorization"), h[2].Header.Get("Authorization"))
	}
}

func TestKeyExchangeFailureReturnsThe401(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		exchange func(w http.ResponseWriter, r *http.Request)
	}{
		{"exchange refused", func(w http.ResponseWriter, r *http.Request) {
			reply(w, 401, []byte(`{"message":"bad api key sekret-KEY-123"}`))
		}},
		{"exchange 500", func(w http.ResponseWriter, r *http.Request) { reply(w, 500, nil) }},
		{"exchange not found", func(w http.ResponseWriter, r *http.Request) { reply(w, 404, nil) }},
		{"no token", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, []byte(`{"ok":true}`)) }},
		{"garbage", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, []byte(`<html>`)) }},
		{"token not a string", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, []byte(`{"token":42}`)) }},
		{"dropped", func(w http.ResponseWriter, r *http.Request) { dropConn(t, w) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ts := newTokenServer(t, "never-given", c.exchange)
			_, err := newClient(t, ts.server).GetDataSource(context.Background(), 22)
			if !errors.Is(err, apiclient.ErrUnauthorized) || !strings.Contains(err.Error(), "Invalid token") {
				t.Errorf("err = %v, want the original 401", err)
			}
			if err != nil {
				noSecret(t, err.Error())
			}
			if ts.exchanges.Load() != 1 || ts.countPath("GET", "/dataSource/22") != 1 {
				t.Errorf("%d exchanges, %d GETs; want 1, 1", ts.exchanges.Load(), ts.countPath("GET", "/dataSource/22"))
			}
		})
	}
}

// A token that is still refused ends with the 401: one exchange, one
// replay, no loop.
func TestReplayStill401DoesNotLoop(t *testing.T) {
	t.Parallel()
	var tok atomic.Value
	tok.Store("tok-useless")
	ts := newTokenServer(t, "something-else", giveToken(t, &tok))
	_, err := newClient(t, ts.server).GetDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrUnauthorized) {
		t.Errorf("err = %v", err)
	}
	noSecret(t, err.Error(), "tok-useless")
	if ts.exchanges.Load() != 1 || ts.countPath("GET", "/dataSource/22") != 2 {
		t.Errorf("%d exchanges, %d GETs; want 1, 2", ts.exchanges.Load(), ts.countPath("GET", "/dataSource/22"))
	}
}

// A 401 means the server did nothing, so a write is replayed once with the
// token; it is still never retried for any other failure.
func TestWriteReplayedOnceAfterExchange(t *testing.T) {
	t.Parallel()
	for _, wr := range writes() {
		var tok atomic.Value
		tok.Store("tok-w")
		ts := newTokenServer(t, "tok-w", giveToken(t, &tok))
		if err := wr.call(context.Background(), newClient(t, ts.server)); err != nil && !errors.Is(err, apiclient.ErrMalformed) {
			t.Errorf("%s: %v", wr.name, err)
		}
		h := ts.Hits()
		if ts.countPath(wr.method, wr.path) != 2 || len(h) != 3 || h[2].Header.Get("Authorization") != "Bearer tok-w" {
			t.Fatalf("%s: %d sends in %+v", wr.name, ts.countPath(wr.method, wr.path), h)
		}
		if !bytes.Equal(h[0].Body, h[2].Body) {
			t.Errorf("%s: replay body %q differs from %q", wr.name, h[2].Body, h[0].Body)
		}
	}
}

// Many goroutines hitting a 401 at once all end up authenticated.
func TestConcurrentExchange(t *testing.T) {
	t.Parallel()
	var tok atomic.Value
	tok.Store("tok-c")
	ts := newTokenServer(t, "tok-c", giveToken(t, &tok))
	c := newClient(t, ts.server)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			_, err := c.GetDataSource(context.Background(), 22)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := ts.exchanges.Load(); n < 1 || n > 16 {
		t.Errorf("%d exchanges", n)
	}
}

func TestReadOnlyBlocksEveryWrite(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Method != http.MethodGet {
			t.Errorf("read-only client sent %s %s", r.Method, r.URL.Path)
		}
		reply(w, 200, fixture(t, "get_22.json"))
	})
	c := newClient(t, s, apiclient.WithReadOnly(true))
	if !c.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	for _, wr := range writes() {
		err := wr.call(context.Background(), c)
		if !errors.Is(err, apiclient.ErrReadOnly) {
			t.Errorf("%s: err = %v, want ErrReadOnly", wr.name, err)
		}
		if err != nil && !strings.Contains(err.Error(), wr.method+" "+wr.path) {
			t.Errorf("%s: error %q does not say what was refused", wr.name, err)
		}
	}
	if s.count() != 0 {
		t.Fatalf("the server saw %d requests", s.count())
	}
	if d, err := c.GetDataSource(context.Background(), 22); err != nil || d.ID != 22 {
		t.Errorf("GET in read-only mode: %v", err)
	}
	var buf strings.Builder
	if _, err := c.DownloadBlob(context.Background(), 22, "22", &buf); err != nil {
		t.Errorf("download in read-only mode: %v", err)
	}
	if s.count() != 2 {
		t.Errorf("%d requests", s.count())
	}
	if newClient(t, s).ReadOnly() {
		t.Error("clients are read-only by default")
	}
}

// Exchanging the key changes nothing on the server, so a read-only client
// may still do it to read.
func TestReadOnlyStillExchangesKey(t *testing.T) {
	t.Parallel()
	var tok atomic.Value
	tok.Store("tok-ro")
	ts := newTokenServer(t, "tok-ro", giveToken(t, &tok))
	c := newClient(t, ts.server, apiclient.WithReadOnly(true))
	if _, err := c.GetDataSource(context.Background(), 22); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteDataSource(context.Background(), 22); !errors.Is(err, apiclient.ErrReadOnly) {
		t.Errorf("delete: %v", err)
	}
	if ts.countPath("DELETE", "/dataSource/22") != 0 {
		t.Error("delete sent")
	}
}

func TestConcurrentUseIsSafe(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 30, envelope: true}.start(t)
	c := newClient(t, s, apiclient.WithTimeout(5*time.Second))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			n := 0
			for _, err := range c.AllDataSources(context.Background(), apiclient.ListOptions{Size: 7}) {
				if err != nil {
					t.Error(err)
					return
				}
				n++
			}
			if n != 30 {
				t.Errorf("%d sources", n)
			}
		})
	}
	wg.Wait()
}
