package apiclient_test

// Retries: a GET is retried when the server is briefly unable (429, 500,
// 502, 503, 504, no answer), never for an answer that would not change
// (404, 400). A write is sent exactly once whatever happens: a DELETE sent twice
// turns a soft delete into a hard one.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// dropConn closes the connection without an answer.
func dropConn(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	_ = conn.Close()
}

// stall holds the request until the client gives up (or 5 s pass).
func stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// failThenOK answers the first n hits with fail and then the seed's source 22.
func failThenOK(t *testing.T, n int, fail func(w http.ResponseWriter, r *http.Request)) *server {
	body := fixture(t, "get_22.json")
	return newServer(t, func(w http.ResponseWriter, r *http.Request, hit int) {
		if hit <= n {
			fail(w, r)
			return
		}
		reply(w, 200, body)
	})
}

func status(code int, headers ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		reply(w, code, []byte(`{"message":"try later"}`))
	}
}

func TestGETRetriedAfter429(t *testing.T) {
	t.Parallel()
	s := failThenOK(t, 2, status(429, "Retry-After", "0"))
	d, err := newClient(t, s, apiclient.WithRetries(3, time.Millisecond)).GetDataSource(context.Background(), 22)
	if err != nil || d.ID != 22 {
		t.Fatalf("%v %v", d, err)
	}
	if s.count() != 3 {
		t.Errorf("%d requests, want 3", s.count())
	}
}

// The one slow test: Retry-After: 1 is waited out even though the client's
// own backoff is a millisecond.
func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	s := failThenOK(t, 1, status(429, "Retry-After", "1"))
	start := time.Now()
	d, err := newClient(t, s, apiclient.WithRetries(3, time.Millisecond)).GetDataSource(context.Background(), 22)
	took := time.Since(start)
	if err != nil || d.ID != 22 {
		t.Fatalf("%v %v", d, err)
	}
	if took < time.Second {
		t.Errorf("retried after %v, before the server's Retry-After: 1", took)
	}
	if took > 5*time.Second {
		t.Errorf("took %v", took)
	}
}

func TestGETRetriedOnGatewayErrors(t *testing.T) {
	t.Parallel()
	for _, code := range []int{500, 502, 503, 504} {
		s := failThenOK(t, 2, status(code))
		d, err := newClient(t, s).GetDataSource(context.Background(), 22)
		if err != nil || d.ID != 22 || s.count() != 3 {
			t.Errorf("%d: %v after %d requests", code, err, s.count())
		}
	}
}

func TestGETRetriedOnNetworkError(t *testing.T) {
	t.Parallel()
	s := failThenOK(t, 1, func(w http.ResponseWriter, r *http.Request) { dropConn(t, w) })
	d, err := newClient(t, s).GetDataSource(context.Background(), 22)
	if err != nil || d.ID != 22 {
		t.Fatalf("%v %v", d, err)
	}
	if s.count() < 2 {
		t.Errorf("%d requests", s.count())
	}
}

func TestGETRetriedOnTimeout(t *testing.T) {
	t.Parallel()
	s := failThenOK(t, 1, func(w http.ResponseWriter, r *http.Request) { stall(r) })
	d, err := newClient(t, s, apiclient.WithTimeout(250*time.Millisecond)).GetDataSource(context.Background(), 22)
	if err != nil || d.ID != 22 || s.count() < 2 {
		t.Fatalf("%v %v after %d requests", d, err, s.count())
	}
}

func TestGETNotRetriedWhenRetryCannotHelp(t *testing.T) {
	t.Parallel()
	for _, code := range []int{404, 400, 403, 409, 422} {
		s := failThenOK(t, 1, status(code))
		if _, err := newClient(t, s).GetDataSource(context.Background(), 22); err == nil {
			t.Errorf("%d: no error", code)
		}
		if s.count() != 1 {
			t.Errorf("%d was sent %d times, want 1", code, s.count())
		}
	}
}

func TestRetryCountCapped(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		retries, want int
	}{{0, 1}, {-1, 1}, {2, 3}, {1000, 1 + apiclient.MaxRetriesLimit}} {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { status(503)(w, r) })
		_, err := newClient(t, s, apiclient.WithRetries(c.retries, time.Microsecond)).GetDataSource(context.Background(), 22)
		if !errors.Is(err, apiclient.ErrServer) {
			t.Errorf("retries %d: err = %v", c.retries, err)
		}
		if s.count() != c.want {
			t.Errorf("retries %d: %d requests, want %d", c.retries, s.count(), c.want)
		}
	}
	// The default: 3 retries.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { status(503, "Retry-After", "0")(w, r) })
	c, _ := apiclient.New(s.URL, testKey)
	if _, err := c.GetDataSource(context.Background(), 22); !errors.Is(err, apiclient.ErrServer) || s.count() != 1+apiclient.DefaultMaxRetries {
		t.Errorf("default: %v after %d requests", err, s.count())
	}
}

// writes is every call that changes something on the server.
func writes() []struct {
	name, method, path string
	call               func(ctx context.Context, c *apiclient.Client) error
} {
	return []struct {
		name, method, path string
		call               func(ctx context.Context, c *apiclient.Client) error
	}{
		{"Subscribe", "POST", "/dataSource/subscribe", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{22}})
			return err
		}},
		{"Delete", "DELETE", "/dataSource/22", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.DeleteDataSource(ctx, 22)
			return err
		}},
		{"Restore", "PUT", "/dataSource/22", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.RestoreDataSource(ctx, 22)
			return err
		}},
		{"CreateS3", "POST", "/native-s3/handler", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 2, DataSources: []apiclient.S3Source{{DataSourceName: "n", Prefix: "p"}}})
			return err
		}},
		{"Approve", "POST", "/subscription/approve", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: 652}})
			return err
		}},
		{"Deny", "POST", "/subscription/deny", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.DenyRequests(ctx, []apiclient.DenyRequest{{ID: 652, Reason: "no"}})
			return err
		}},
		{"SetAccess", "PUT", "/dataSource/22/access/649", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.SetAccess(ctx, 22, 649, apiclient.AccessChange{State: "denied"})
			return err
		}},
		{"AddAccess", "POST", "/dataSource/22/access", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.AddAccess(ctx, 22, apiclient.AddAccessRequest{State: "subscribed", ProfileID: 3})
			return err
		}},
		{"Unsubscribe", "DELETE", "/dataSource/22/unsubscribe", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.Unsubscribe(ctx, 22)
			return err
		}},
		{"AddSourceTags", "POST", "/tag/datasource/22", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.AddSourceTags(ctx, 22, []string{"PII.Email"})
			return err
		}},
		{"RemoveSourceTag", "DELETE", "/tag/datasource/22/PII%20Email", func(ctx context.Context, c *apiclient.Client) error {
			_, err := c.RemoveSourceTag(ctx, 22, "PII Email")
			return err
		}},
	}
}

func TestWritesAreSentExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, f := range []struct {
		name string
		fail func(t *testing.T, w http.ResponseWriter, r *http.Request)
		want error
	}{
		{"500", func(t *testing.T, w http.ResponseWriter, r *http.Request) { status(500)(w, r) }, apiclient.ErrServer},
		{"401", func(t *testing.T, w http.ResponseWriter, r *http.Request) { status(401)(w, r) }, apiclient.ErrUnauthorized},
		{"503", func(t *testing.T, w http.ResponseWriter, r *http.Request) { status(503)(w, r) }, apiclient.ErrServer},
		{"502", func(t *testing.T, w http.ResponseWriter, r *http.Request) { status(502)(w, r) }, apiclient.ErrServer},
		{"429", func(t *testing.T, w http.ResponseWriter, r *http.Request) { status(429, "Retry-After", "0")(w, r) }, apiclient.ErrRateLimited},
		{"timeout", func(t *testing.T, w http.ResponseWriter, r *http.Request) { stall(r) }, apiclient.ErrUnreachable},
		{"dropped connection", func(t *testing.T, w http.ResponseWriter, r *http.Request) { dropConn(t, w) }, apiclient.ErrUnreachable},
	} {
		for _, wr := range writes() {
			t.Run(wr.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { f.fail(t, w, r) })
				c := newClient(t, s, apiclient.WithRetries(5, time.Millisecond), apiclient.WithTimeout(250*time.Millisecond))
				err := wr.call(context.Background(), c)
				if !errors.Is(err, f.want) {
					t.Errorf("err = %v, want %v", err, f.want)
				}
				if err != nil && !strings.Contains(err.Error(), wr.method+" "+wr.path) {
					t.Errorf("error %q does not name the call", err)
				}
				if n := s.countPath(wr.method, wr.path); n != 1 || s.count() != 1 {
					t.Errorf("%s %s reached the server %d times (%d requests in all), want exactly once", wr.method, wr.path, n, s.count())
				}
			})
		}
	}
}

func TestCanceledContextStopsRetriesPromptly(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { status(503, "Retry-After", "10")(w, r) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	var err error
	within(t, time.Second, func() { _, err = newClient(t, s).GetDataSource(ctx, 22) })
	if !errors.Is(err, context.Canceled) || !errors.Is(err, apiclient.ErrServer) {
		t.Errorf("err = %v, want both the cancel and the last 503", err)
	}
	if s.count() != 1 {
		t.Errorf("%d requests", s.count())
	}
}

func TestCanceledContextDuringRequest(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { stall(r) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	var err error
	within(t, time.Second, func() { _, err = newClient(t, s).GetDataSource(ctx, 22) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if s.count() != 1 {
		t.Errorf("%d requests after a cancel", s.count())
	}

	// Canceled before the call: nothing is sent.
	s = newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := newClient(t, s).GetDataSource(done, 22); !errors.Is(err, context.Canceled) || s.count() != 0 {
		t.Errorf("pre-canceled: %v after %d requests", err, s.count())
	}
}

func TestTimeoutApplies(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { stall(r) })
	c := newClient(t, s, apiclient.WithTimeout(50*time.Millisecond), apiclient.WithRetries(0, 0))
	var err error
	took := within(t, time.Second, func() { _, err = c.GetDataSource(context.Background(), 22) })
	if took < 50*time.Millisecond {
		t.Errorf("gave up after %v, before the timeout", took)
	}
	if !errors.Is(err, apiclient.ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "GET /dataSource/22") || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("error %q should say the call timed out", err)
	}
	noSecret(t, err.Error())

	// A timeout while the body is still arriving counts too.
	s = newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"id":22,`)
		w.(http.Flusher).Flush()
		stall(r)
	})
	c = newClient(t, s, apiclient.WithTimeout(50*time.Millisecond), apiclient.WithRetries(0, 0))
	within(t, time.Second, func() { _, err = c.GetDataSource(context.Background(), 22) })
	if !errors.Is(err, apiclient.ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow body: err = %v", err)
	}
}

func TestDefaultTimeoutIsSet(t *testing.T) {
	t.Parallel()
	// WithTimeout(0) keeps the default rather than disabling timeouts.
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { reply(w, 200, []byte(`{"id":1}`)) })
	c := newClient(t, s, apiclient.WithTimeout(0))
	if _, err := c.GetDataSource(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if apiclient.DefaultTimeout <= 0 {
		t.Error("no default timeout")
	}
}

func TestDownloadBlobRetries(t *testing.T) {
	t.Parallel()
	content := []byte("the blob")
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			status(503)(w, r)
			return
		}
		reply(w, 200, content)
	})
	var buf bytes.Buffer
	n, err := newClient(t, s).DownloadBlob(context.Background(), 22, "22", &buf)
	if err != nil || n != int64(len(content)) || buf.String() != "the blob" {
		t.Errorf("%d %q %v", n, buf.String(), err)
	}
	if s.count() != 2 {
		t.Errorf("%d requests", s.count())
	}
}

// Once bytes have reached the writer, a broken download is not fetched
// again (the file would hold the start twice).
func TestDownloadBlobNotRetriedAfterPartialWrite(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		dropConn(t, w)
	})
	var buf bytes.Buffer
	n, err := newClient(t, s).DownloadBlob(context.Background(), 22, "22", &buf)
	if !errors.Is(err, apiclient.ErrUnreachable) {
		t.Errorf("err = %v", err)
	}
	if n != 7 || buf.String() != "partial" || s.count() != 1 {
		t.Errorf("wrote %d (%q) after %d requests", n, buf.String(), s.count())
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// A local write failure (disk full) is the user's problem to fix, not the
// server's: it is reported as such and not fetched again.
func TestDownloadBlobWriterFailure(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { reply(w, 200, []byte("data")) })
	diskFull := errors.New("no space left on device")
	n, err := newClient(t, s).DownloadBlob(context.Background(), 22, "22", failingWriter{diskFull})
	if !errors.Is(err, diskFull) || errors.Is(err, apiclient.ErrUnreachable) {
		t.Errorf("err = %v, want the writer's error and not ErrUnreachable", err)
	}
	if n != 0 || s.count() != 1 {
		t.Errorf("wrote %d after %d requests", n, s.count())
	}
}

// A blob download is bounded by the caller's context only: blobs are big.
func TestDownloadBlobIgnoresRequestTimeout(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.WriteHeader(200)
		_, _ = io.WriteString(w, "slow ")
		w.(http.Flusher).Flush()
		time.Sleep(150 * time.Millisecond)
		_, _ = io.WriteString(w, "blob")
	})
	var buf bytes.Buffer
	_, err := newClient(t, s, apiclient.WithTimeout(50*time.Millisecond)).DownloadBlob(context.Background(), 22, "22", &buf)
	if err != nil || buf.String() != "slow blob" {
		t.Errorf("%q %v", buf.String(), err)
	}
	// Its error body is still an API error with the server's message.
	s = route(t, http.MethodGet, "/dataSource/22/blob/x", nil, 404, []byte(`{"message":"no such blob"}`))
	buf.Reset()
	_, err = newClient(t, s).DownloadBlob(context.Background(), 22, "x", &buf)
	if !errors.Is(err, apiclient.ErrNotFound) || !strings.Contains(err.Error(), "no such blob") || buf.Len() != 0 {
		t.Errorf("404: %v, wrote %q", err, buf.String())
	}
}
