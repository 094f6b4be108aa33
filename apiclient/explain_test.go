package apiclient_test

// Explain turns the client's real errors into the words a user reads.

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

func TestExplainRealErrors(t *testing.T) {
	t.Parallel()
	get := func(t *testing.T, status int, body string, opts ...apiclient.Option) error {
		s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.URL.Path == "/bim/apikey/authenticate" {
				reply(w, 401, nil)
				return
			}
			reply(w, status, []byte(body))
		})
		_, err := newClient(t, s, append([]apiclient.Option{apiclient.WithRetries(0, 0)}, opts...)...).GetDataSource(context.Background(), 22)
		return err
	}
	for _, c := range []struct {
		name string
		err  func(t *testing.T) error
		want string
	}{
		{"nil", func(t *testing.T) error { return nil }, ""},
		{"401", func(t *testing.T) error { return get(t, 401, `{"message":"Invalid token"}`) }, "the API key was rejected (401): Invalid token"},
		{"403", func(t *testing.T) error { return get(t, 403, `{"message":"needs GOVERNANCE"}`) }, "permission denied (403): needs GOVERNANCE"},
		{"404 plain", func(t *testing.T) error { return get(t, 404, ``) }, "not found (404)"},
		{"429", func(t *testing.T) error { return get(t, 429, ``) }, "rate limited by the server (429): try again shortly"},
		{"409", func(t *testing.T) error { return get(t, 409, `{"message":"name taken"}`) }, "conflict (409): name taken"},
		{"500", func(t *testing.T) error { return get(t, 500, `boom`) }, "the server failed (500): boom"},
		{"400", func(t *testing.T) error { return get(t, 400, `{"message":"size must be a number"}`) }, "the server refused the request (400): size must be a number"},
		{"malformed", func(t *testing.T) error { return get(t, 200, `{"id":`) }, "the server sent a response dsbrowse cannot read"},
		{"timeout", func(t *testing.T) error {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { stall(r) })
			_, err := newClient(t, s, apiclient.WithRetries(0, 0), apiclient.WithTimeout(30*time.Millisecond)).GetDataSource(context.Background(), 22)
			return err
		}, "the server did not answer in time"},
		{"net timeout", func(t *testing.T) error {
			// A timeout the network reports (no context deadline involved).
			tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: timeoutError{}}
			}}
			_, err := newClientURL(t, "http://127.0.0.1:1", apiclient.WithRetries(0, 0), apiclient.WithHTTPClient(&http.Client{Transport: tr})).GetDataSource(context.Background(), 22)
			return err
		}, "the server did not answer in time"},
		{"refused", func(t *testing.T) error {
			_, err := newClientURL(t, "http://127.0.0.1:1", apiclient.WithRetries(0, 0)).GetDataSource(context.Background(), 22)
			return err
		}, "cannot reach the server: "},
		{"canceled", func(t *testing.T) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := newClientURL(t, "http://127.0.0.1:1").GetDataSource(ctx, 22)
			return err
		}, "cancelled"},
		{"read-only", func(t *testing.T) error {
			_, err := newClientURL(t, "http://127.0.0.1:1", apiclient.WithReadOnly(true)).DeleteDataSource(context.Background(), 22)
			return err
		}, "read-only mode: writes are disabled"},
		{"other", func(t *testing.T) error { return errors.New("something else") }, "something else"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := apiclient.Explain(c.err(t))
			if got != c.want && !(strings.HasSuffix(c.want, ": ") && strings.HasPrefix(got, c.want)) {
				t.Errorf("Explain = %q, want %q", got, c.want)
			}
			noSecret(t, got)
		})
	}
}

// timeoutError is a network error that says it timed out, in words that
// do not contain "timed out".
type timeoutError struct{}

func (timeoutError) Error() string   { return "deadline passed on the wire" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
