package apiclient_test

// The key goes to the tenant's origin and nowhere else (redirects, plain
// http), nothing the server sends is unbounded, an empty answer is never
// read as zero values, and errors keep their cause.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// guardedTransport dials loopback addresses only: a dial anywhere else
// fails the test, and is refused before a packet leaves the machine.
func guardedTransport(t *testing.T) *http.Transport {
	tr := apiclient.NewTransport()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || !ip.IsLoopback() {
			t.Errorf("a dial to %q was attempted: tests reach loopback only", addr)
			return nil, fmt.Errorf("test dialer: %s is not loopback", addr)
		}
		return d.DialContext(ctx, network, addr)
	}
	return tr
}

func guardedClient(t *testing.T) *http.Client {
	return &http.Client{Transport: guardedTransport(t)}
}

// Found 2(d): plain http to a host that is not this machine sent the key
// without a word. New refuses it before anything is dialled.
func TestPlainHTTPRefusedOffLoopback(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://example.invalid", "http://10.0.0.1", "http://10.0.0.1:8080/", "http://[fd00::1]:80",
		"HTTP://tenant.immuta.com", "http://127.0.0.1.example.invalid", "http://localhost.example.invalid"} {
		c, err := apiclient.New(u, testKey, apiclient.WithHTTPClient(guardedClient(t)))
		if err == nil {
			_, _ = c.GetDataSource(context.Background(), 22) // the guard fails the test if this dials
			t.Errorf("New(%q) accepted plain http to a remote host", u)
			continue
		}
		if !errors.Is(err, apiclient.ErrPlainHTTP) || !strings.Contains(err.Error(), "clear text") ||
			!strings.Contains(err.Error(), "allow_http = true") || !strings.Contains(err.Error(), "https://") {
			t.Errorf("New(%q): %v; want why and how to allow it", u, err)
		}
		noSecret(t, err.Error())
		// Allowed on purpose, it is accepted (no request is made here).
		if _, err := apiclient.New(u, testKey, apiclient.WithAllowHTTP(true), apiclient.WithHTTPClient(guardedClient(t))); err != nil {
			t.Errorf("New(%q) with WithAllowHTTP(true): %v", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:1", "http://127.8.9.10:1", "http://[::1]:1", "http://localhost:1",
		"http://LOCALHOST.:1", "https://10.0.0.1", "https://tenant.immuta.com"} {
		if _, err := apiclient.New(u, testKey, apiclient.WithHTTPClient(guardedClient(t))); err != nil {
			t.Errorf("New(%q): %v", u, err)
		}
	}
	// A user name or password in the URL would go out as Basic auth.
	if _, err := apiclient.New("https://me:pw@tenant.immuta.com", testKey); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("user info: %v", err)
	}
	// The emulator and --demo work over plain http on loopback.
	s := route(t, http.MethodGet, "/dataSource/22", nil, 200, fixture(t, "get_22.json"))
	if _, err := newClient(t, s, apiclient.WithHTTPClient(guardedClient(t))).GetDataSource(context.Background(), 22); err != nil {
		t.Fatal(err)
	}
}

// redirectTo answers every request with status and a Location.
func redirectTo(t *testing.T, status int, location func(r *http.Request) string) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Location", location(r))
		w.WriteHeader(status)
	})
}

// Found 2(b): a 307 on the key exchange sent the key, in the body, to
// whatever host the Location named.
func TestKeyExchangeNeverFollowsARedirect(t *testing.T) {
	t.Parallel()
	other := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		reply(w, 200, []byte(`{"token":"stolen"}`))
	})
	for _, status := range []int{301, 302, 307, 308} {
		tenant := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.URL.Path == exchangePath {
				w.Header().Set("Location", other.URL+exchangePath+"?x=1")
				w.WriteHeader(status)
				return
			}
			reply(w, 401, []byte(`{"message":"Invalid token"}`))
		})
		for _, mode := range []apiclient.AuthMode{apiclient.AuthAuto, apiclient.AuthExchange} {
			_, err := newClient(t, tenant, apiclient.WithAuthMode(mode), apiclient.WithHTTPClient(guardedClient(t))).
				GetDataSource(context.Background(), 22)
			if !errors.Is(err, apiclient.ErrRedirect) || !strings.Contains(err.Error(), "refused a redirect to "+other.URL+exchangePath) {
				t.Errorf("%d, %s: err = %v; want the refused target named", status, mode, err)
			}
			if strings.Contains(err.Error(), "x=1") {
				t.Errorf("the target's query is shown: %v", err)
			}
			noSecret(t, err.Error())
			noSecret(t, apiclient.ExplainAt(err, tenant.URL))
		}
	}
	if other.count() != 0 {
		t.Fatalf("the other server got %d requests: %+v", other.count(), other.Hits())
	}
}

// Found 2(c): a redirect to the same host on another port, or from https
// to http, carried Authorization in clear text.
func TestRedirectsStayWithTheTenant(t *testing.T) {
	t.Parallel()
	other := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { reply(w, 200, []byte(`{"id":22}`)) })
	// Same host, other port.
	tenant := redirectTo(t, 302, func(r *http.Request) string { return other.URL + r.URL.Path })
	c := newClient(t, tenant, apiclient.WithHTTPClient(guardedClient(t)))
	_, err := c.GetDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrRedirect) || !strings.Contains(err.Error(), "GET /dataSource/22: refused a redirect to "+other.URL+"/dataSource/22") ||
		!strings.Contains(err.Error(), "not the tenant's origin") {
		t.Errorf("other port: err = %v", err)
	}
	if tenant.count() != 1 {
		t.Errorf("a refused redirect was retried: %d requests", tenant.count())
	}
	// Elsewhere entirely (the guard fails the test on any dial to it).
	far := redirectTo(t, 307, func(r *http.Request) string { return "http://user:pw@10.0.0.1/steal" })
	_, err = newClient(t, far, apiclient.WithHTTPClient(guardedClient(t))).GetDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrRedirect) || !strings.Contains(err.Error(), "http://10.0.0.1/steal") || strings.Contains(err.Error(), "pw") {
		t.Errorf("far: err = %v", err)
	}
	// https to http.
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(secure.Close)
	tlsClient := secure.Client()
	guard := guardedTransport(t)
	guard.TLSClientConfig = tlsClient.Transport.(*http.Transport).TLSClientConfig
	tlsClient.Transport = guard
	_, err = newClientURL(t, secure.URL, apiclient.WithHTTPClient(tlsClient)).GetDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrRedirect) || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("downgrade: err = %v", err)
	}
	if tlsClient.CheckRedirect != nil {
		t.Error("the caller's http.Client was changed")
	}
	if other.count() != 0 {
		t.Fatalf("the other origin got %d requests", other.count())
	}

	// Within the origin, a read follows it, key and all.
	var moved *server
	moved = newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/dataSource/22" {
			http.Redirect(w, r, moved.URL+"/v2/dataSource/22", http.StatusMovedPermanently)
			return
		}
		reply(w, 200, []byte(`{"id":22}`))
	})
	var theirs atomic.Int32
	hc := guardedClient(t)
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { theirs.Add(1); return nil }
	d, err := newClient(t, moved, apiclient.WithHTTPClient(hc)).GetDataSource(context.Background(), 22)
	if err != nil || d.ID != 22 {
		t.Fatalf("same origin: %v", err)
	}
	if h := moved.Hits(); len(h) != 2 || h[1].Header.Get("Authorization") != testKey {
		t.Errorf("hits %q", authHeaders(h))
	}
	if theirs.Load() != 1 {
		t.Errorf("the caller's CheckRedirect ran %d times, want 1", theirs.Load())
	}
}

// A write never follows a redirect, even within the origin: it is sent
// once, to the URL it was meant for.
func TestWriteNeverFollowsARedirect(t *testing.T) {
	t.Parallel()
	for _, wr := range writes() {
		var s *server
		s = newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Location", s.URL+"/elsewhere"+r.URL.Path)
			w.WriteHeader(http.StatusTemporaryRedirect)
		})
		err := wr.call(context.Background(), newClient(t, s))
		if !errors.Is(err, apiclient.ErrRedirect) || !strings.Contains(err.Error(), wr.method+" "+wr.path) {
			t.Errorf("%s: err = %v", wr.name, err)
		}
		if s.count() != 1 {
			t.Errorf("%s: %d requests: %q", wr.name, s.count(), authHeaders(s.Hits()))
		}
	}
}

// countingTransport counts the bytes the client reads from answer bodies,
// after the transport decompressed them.
type countingTransport struct {
	rt   http.RoundTripper
	read atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(r)
	if resp != nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// Found 3: a 3 GiB body or a 1 MB gzip of 1 GiB took the process to
// gigabytes. Reading now stops at the cap, after decompression.
func TestAnswerBodyIsCapped(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	zeros := make([]byte, 64<<10)
	for _, c := range []struct {
		name  string
		serve func(w http.ResponseWriter, r *http.Request)
	}{
		{"plain", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":22,"name":"`)
			for range (3 << 30) / len(zeros) { // 3 GiB, as long as the client reads
				if _, err := w.Write(bytes.Repeat([]byte("a"), len(zeros))); err != nil {
					return
				}
			}
		}},
		{"gzip bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			defer zw.Close()
			for range (256 << 20) / len(zeros) { // 256 MiB of zeros, made as it is read
				if _, err := zw.Write(zeros); err != nil || r.Context().Err() != nil {
					return
				}
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { c.serve(w, r) })
			ct := &countingTransport{rt: guardedTransport(t)}
			_, err := newClient(t, s, apiclient.WithMaxBodyBytes(limit), apiclient.WithHTTPClient(&http.Client{Transport: ct})).
				GetDataSource(context.Background(), 22)
			if !errors.Is(err, apiclient.ErrTooLarge) || !errors.Is(err, apiclient.ErrMalformed) ||
				err.Error() != "GET /dataSource/22: answer larger than 1 MiB" {
				t.Fatalf("err = %v", err)
			}
			if n := ct.read.Load(); n > limit+1 {
				t.Errorf("read %d bytes of the answer, past the %d cap", n, limit)
			}
			if s.count() != 1 {
				t.Errorf("a too large answer was fetched %d times", s.count())
			}
			if got := apiclient.ExplainAt(err, "tenant.example"); !strings.Contains(got, "GET /dataSource/22 larger than 1 MiB") {
				t.Errorf("Explain = %q", got)
			}
		})
	}
}

// The default cap is 64 MiB; a declared length past it is refused unread.
func TestDefaultCapAndDeclaredLength(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Length", strconv.Itoa(apiclient.DefaultMaxBodyBytes+1))
		_, _ = w.Write([]byte(`{"count":1,"hits":[`))
	})
	ct := &countingTransport{rt: guardedTransport(t)}
	_, err := newClient(t, s, apiclient.WithHTTPClient(&http.Client{Transport: ct})).ListDataSources(context.Background(), apiclient.ListOptions{})
	if !errors.Is(err, apiclient.ErrTooLarge) || err.Error() != "GET /dataSource: answer larger than 64 MiB" {
		t.Fatalf("err = %v", err)
	}
	if ct.read.Load() != 0 {
		t.Errorf("read %d bytes of an answer declared too large", ct.read.Load())
	}
	// Blob downloads stream and are not capped.
	blob := bytes.Repeat([]byte("b"), 100<<10)
	s = route(t, http.MethodGet, "/dataSource/22/blob/b1", nil, 200, blob)
	var out bytes.Buffer
	n, err := newClient(t, s, apiclient.WithMaxBodyBytes(1<<10)).DownloadBlob(context.Background(), 22, "b1", &out)
	if err != nil || n != int64(len(blob)) || !bytes.Equal(out.Bytes(), blob) {
		t.Errorf("blob: %d bytes, %v", n, err)
	}
}

// objectCalls is every method that reads an object (or list) from the
// answer, and whether a JSON list is a fitting answer for it.
func objectCalls() []struct {
	name, method, path string
	list               bool
	call               func(c *apiclient.Client) (any, error)
} {
	ctx := context.Background()
	return []struct {
		name, method, path string
		list               bool
		call               func(c *apiclient.Client) (any, error)
	}{
		{"GetDataSource", "GET", "/dataSource/7", false, func(c *apiclient.Client) (any, error) { return c.GetDataSource(ctx, 7) }},
		{"GetDataSourceByName", "GET", "/dataSource/name/x", false, func(c *apiclient.Client) (any, error) { return c.GetDataSourceByName(ctx, "x") }},
		{"GetDataSourceBySQLTable", "GET", "/dataSource/sqlTableName/x", false, func(c *apiclient.Client) (any, error) {
			return c.GetDataSourceBySQLTable(ctx, "x")
		}},
		{"ListDataSources", "GET", "/dataSource", true, func(c *apiclient.Client) (any, error) {
			return c.ListDataSources(ctx, apiclient.ListOptions{})
		}},
		{"ListAccess", "GET", "/dataSource/7/access", true, func(c *apiclient.Client) (any, error) {
			return c.ListAccess(ctx, 7, apiclient.AccessOptions{})
		}},
		{"Lineage", "GET", "/dataSource/7/lineage/parents", true, func(c *apiclient.Client) (any, error) {
			return c.Lineage(ctx, 7, apiclient.LineageParents)
		}},
		{"UserPolicyInfo", "GET", "/dataSource/7/users/2/policyInfo", false, func(c *apiclient.Client) (any, error) {
			return c.UserPolicyInfo(ctx, 7, 2)
		}},
		{"UserVisibilityReport", "GET", "/dataSource/7/users/2/visibilityReport", true, func(c *apiclient.Client) (any, error) {
			return c.UserVisibilityReport(ctx, 7, 2)
		}},
		{"MyVisibilityReport", "GET", "/dataSource/7/visibilityReport", false, func(c *apiclient.Client) (any, error) {
			return c.MyVisibilityReport(ctx, 7)
		}},
		{"GetS3Handler", "GET", "/native-s3/handler/7", false, func(c *apiclient.Client) (any, error) { return c.GetS3Handler(ctx, 7) }},
		{"Subscribe", "POST", "/dataSource/subscribe", false, func(c *apiclient.Client) (any, error) {
			return c.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{7}})
		}},
		{"DeleteDataSource", "DELETE", "/dataSource/7", false, func(c *apiclient.Client) (any, error) { return c.DeleteDataSource(ctx, 7) }},
		{"RestoreDataSource", "PUT", "/dataSource/7", false, func(c *apiclient.Client) (any, error) { return c.RestoreDataSource(ctx, 7) }},
		{"CreateS3", "POST", "/native-s3/handler", true, func(c *apiclient.Client) (any, error) {
			return c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 2})
		}},
	}
}

// isNil reports whether v (an interface holding a pointer or slice) is nil.
func isNil(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case *apiclient.DataSource:
		return x == nil
	case *apiclient.DataSourcePage:
		return x == nil
	case *apiclient.AccessPage:
		return x == nil
	case []apiclient.LineageEntry:
		return x == nil
	case *apiclient.PolicyInfo:
		return x == nil
	case []apiclient.VisibilityReport:
		return x == nil
	case *apiclient.VisibilityReport:
		return x == nil
	case *apiclient.S3Handler:
		return x == nil
	case *apiclient.SubscribeResult:
		return x == nil
	case *apiclient.DeleteResult:
		return x == nil
	case []apiclient.S3Created:
		return x == nil
	}
	return false
}

// Found 3: an empty 200 was read as a source with id 0 (and a DELETE's
// empty answer as a success). Empty, null and non-object answers are errors.
func TestEmptyOrWrongShapeAnswerIsAnError(t *testing.T) {
	t.Parallel()
	for _, m := range objectCalls() {
		for _, body := range []string{"", "null", " \n\t", `"ok"`, "42", "true", "[]", `[{"id":7}]`} {
			list := strings.HasPrefix(body, "[")
			if list && m.list {
				continue // a list is a fitting answer here
			}
			s := route(t, m.method, m.path, nil, 200, []byte(body))
			got, err := m.call(newClient(t, s))
			if !errors.Is(err, apiclient.ErrMalformed) || !isNil(got) {
				t.Errorf("%s with %q: %v, %v; want an error and nothing", m.name, body, got, err)
				continue
			}
			empty := strings.TrimSpace(body) == "" || body == "null"
			if empty != errors.Is(err, apiclient.ErrEmptyAnswer) {
				t.Errorf("%s with %q: errors.Is(ErrEmptyAnswer) = %v", m.name, body, !empty)
			}
			if empty && err.Error() != "empty answer from "+m.method+" "+m.path {
				t.Errorf("%s with %q: %q", m.name, body, err)
			}
			if !empty && !strings.Contains(err.Error(), "want a JSON object") {
				t.Errorf("%s with %q: %q", m.name, body, err)
			}
			if s.count() != 1 {
				t.Errorf("%s with %q: sent %d times", m.name, body, s.count())
			}
		}
	}
	s := route(t, http.MethodGet, "/dataSource/7", nil, 200, nil)
	_, err := newClient(t, s).GetDataSource(context.Background(), 7)
	if got := apiclient.ExplainAt(err, "tenant.example"); got != "tenant.example sent an empty answer to GET /dataSource/7" {
		t.Errorf("Explain = %q", got)
	}
}

// What a DELETE did is read from its answer.
func TestDeleteResultSaysWhatHappened(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]apiclient.DeleteOutcome{
		string(fixture(t, "delete_response.json")):                  apiclient.DeleteDisabled,
		`{"success":true,"id":7,"disabled":true,"hardDelete":true}`: apiclient.DeletePermanent,
		`{"success":true,"id":7,"hardDelete":true}`:                 apiclient.DeletePermanent,
		`{"success":true,"id":7,"deleted":true}`:                    apiclient.DeleteDisabled,
		`{"success":true,"id":7}`:                                   apiclient.DeleteUnknown,
		`{"success":true,"id":7,"hardDelete":"yes"}`:                apiclient.DeleteUnknown,
	} {
		s := route(t, http.MethodDelete, "/dataSource/7", nil, 200, []byte(body))
		r, err := newClient(t, s).DeleteDataSource(context.Background(), 7)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got := r.Outcome(); got != want {
			t.Errorf("%s: outcome %v, want %v", body, got, want)
		}
	}
	var none *apiclient.DeleteResult
	if none.Outcome() != apiclient.DeleteUnknown {
		t.Error("a nil result has an outcome")
	}
}

// Found 5: errors were flattened to strings. A transport error keeps its
// cause for errors.As while its text stays redacted.
func TestTransportErrorKeepsItsCause(t *testing.T) {
	t.Parallel()
	c := newClientURL(t, "http://127.0.0.1:1", apiclient.WithRetries(0, 0), apiclient.WithHTTPClient(guardedClient(t)))
	_, err := c.GetDataSource(context.Background(), 22)
	var opErr *net.OpError
	var urlErr *url.Error
	var te *apiclient.TransportError
	if !errors.As(err, &opErr) || !errors.As(err, &urlErr) || !errors.As(err, &te) || !errors.Is(err, apiclient.ErrUnreachable) {
		t.Fatalf("err = %#v: want a *net.OpError inside a *url.Error inside a TransportError", err)
	}
	if opErr.Op != "dial" || te.Path != "/dataSource/22" || strings.Contains(err.Error(), "http://") {
		t.Errorf("op %q, path %q, text %q", opErr.Op, te.Path, err)
	}

	// A cause whose own words hold the key: the text is redacted, the cause
	// is still there.
	leaky := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "proxyconnect", Net: "tcp", Err: errors.New("proxy refused " + testKey)}
	})}
	s := route(t, http.MethodGet, "/dataSource/22", nil, 200, nil)
	_, err = newClient(t, s, apiclient.WithRetries(0, 0), apiclient.WithHTTPClient(leaky)).GetDataSource(context.Background(), 22)
	if !errors.As(err, &opErr) || opErr.Op != "proxyconnect" {
		t.Errorf("err = %#v", err)
	}
	noSecret(t, err.Error())
	noSecret(t, apiclient.Explain(err))
	if !strings.Contains(err.Error(), "proxy refused [REDACTED]") {
		t.Errorf("err = %q", err)
	}

	// The key exchange's failure keeps its cause too.
	dead := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == exchangePath {
			dropConn(t, w)
			return
		}
		reply(w, 401, nil)
	})
	_, err = newClient(t, dead, apiclient.WithAuthMode(apiclient.AuthExchange), apiclient.WithRetries(0, 0)).GetDataSource(context.Background(), 22)
	var xe *apiclient.ExchangeError
	if !errors.As(err, &xe) || !errors.As(err, &te) || te.Path != exchangePath || !errors.Is(err, apiclient.ErrUnreachable) {
		t.Errorf("exchange: %#v", err)
	}
}

func TestRedactIsExported(t *testing.T) {
	t.Parallel()
	const token = "tok-SESSION-987"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == exchangePath {
			reply(w, 200, []byte(`{"token":"`+token+`"}`))
			return
		}
		reply(w, 200, []byte(`{"id":22}`))
	})
	c := newClient(t, s, apiclient.WithAuthMode(apiclient.AuthExchange))
	if _, err := c.GetDataSource(context.Background(), 22); err != nil {
		t.Fatal(err)
	}
	got := c.Redact("key " + testKey + " token " + token)
	if got != "key [REDACTED] token [REDACTED]" {
		t.Errorf("Redact = %q", got)
	}
}
