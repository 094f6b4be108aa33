package apiclient_test

// What a user reads when something goes wrong: the right kind of error for
// errors.Is, the server's own message, which call failed, and never the API
// key or the session token.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

var sentinels = []error{
	apiclient.ErrNotFound, apiclient.ErrUnauthorized, apiclient.ErrForbidden, apiclient.ErrRateLimited,
	apiclient.ErrConflict, apiclient.ErrBadRequest, apiclient.ErrServer, apiclient.ErrUnreachable,
	apiclient.ErrMalformed, apiclient.ErrReadOnly,
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status int
		want   error
	}{
		{404, apiclient.ErrNotFound},
		{401, apiclient.ErrUnauthorized},
		{403, apiclient.ErrForbidden},
		{429, apiclient.ErrRateLimited},
		{409, apiclient.ErrConflict},
		{400, apiclient.ErrBadRequest},
		{422, apiclient.ErrBadRequest},
		{500, apiclient.ErrServer},
		{502, apiclient.ErrServer},
		{503, apiclient.ErrServer},
	} {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			t.Parallel()
			msg := "data source 22 is not visible to you"
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if r.URL.Path == "/bim/apikey/authenticate" {
					reply(w, 401, nil)
					return
				}
				reply(w, c.status, fmt.Appendf(nil, `{"statusCode":%d,"error":%q,"message":%q}`, c.status, http.StatusText(c.status), msg))
			})
			_, err := newClient(t, s, apiclient.WithRetries(0, 0)).GetDataSource(context.Background(), 22)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want errors.Is %v", err, c.want)
			}
			for _, other := range sentinels {
				if other != c.want && errors.Is(err, other) {
					t.Errorf("a %d also matches %v", c.status, other)
				}
			}
			var ae *apiclient.APIError
			if !errors.As(err, &ae) || ae.StatusCode != c.status || ae.Method != "GET" || ae.Path != "/dataSource/22" || ae.Message != msg {
				t.Fatalf("APIError = %+v", ae)
			}
			for _, part := range []string{"GET /dataSource/22", strconv.Itoa(c.status), msg} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q lacks %q", err, part)
				}
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 2000)
	for _, c := range []struct {
		name, body, want string
	}{
		{"hapi message", `{"statusCode":404,"error":"Not Found","message":"Data source not found"}`, "Data source not found"},
		{"hapi without message", `{"statusCode":404,"error":"Not Found"}`, "Not Found"},
		{"empty message", `{"statusCode":404,"error":"Not Found","message":""}`, "Not Found"},
		{"message not a string", `{"message":{"field":"name","problem":"taken"}}`, `{"field":"name","problem":"taken"}`},
		{"plain text", "upstream connect error\n", "upstream connect error"},
		{"html from a proxy", "<html>\r\n<head><title>404 Not Found</title></head>\r\n</html>", "<html> <head><title>404 Not Found</title></head> </html>"},
		{"empty body", "", "Not Found"},
		{"JSON but no message", `{"statusCode":404}`, `{"statusCode":404}`},
		{"long plain text", long, strings.Repeat("x", 512) + "…"},
		{"long hapi message", `{"message":"` + long + `"}`, strings.Repeat("x", 512) + "…"},
		{"terminal escapes", "bad \x1b[31mred\x1b[0m\x07 body", "bad [31mred [0m body"},
		{"invalid UTF-8", "caf\xe9 au lait", "caf\uFFFD au lait"},
		{"invalid byte early in a long body", "\xff" + long, "\uFFFD" + strings.Repeat("x", 509) + "…"},
		{"multi-byte rune at the cut", strings.Repeat("x", 511) + "é and more" + long, strings.Repeat("x", 511) + "…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := route(t, http.MethodGet, "/dataSource/22", nil, 404, []byte(c.body))
			_, err := newClient(t, s).GetDataSource(context.Background(), 22)
			var ae *apiclient.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v", err)
			}
			msg := ae.Message
			if msg == "" {
				msg = http.StatusText(ae.StatusCode) // what Error() shows
			}
			if msg != c.want {
				t.Errorf("message = %q\nwant      %q", msg, c.want)
			}
			if !strings.HasSuffix(err.Error(), c.want) {
				t.Errorf("Error() = %q, want it to end with the message", err)
			}
			if len(ae.Message) > 512+len("…") {
				t.Errorf("message is %d bytes: unbounded", len(ae.Message))
			}
		})
	}
}

func TestConnectionRefusedIsUnreachable(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	u := s.URL
	s.Close()
	c := newClientURL(t, u, apiclient.WithRetries(2, time.Millisecond))
	_, err := c.GetDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	var te *apiclient.TransportError
	if !errors.As(err, &te) || te.Method != "GET" || te.Path != "/dataSource/22" {
		t.Errorf("TransportError = %+v", te)
	}
	if !strings.Contains(err.Error(), "GET /dataSource/22") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("error %q should name the call and say the connection was refused", err)
	}
	// The URL (and so the host) is not repeated in the error: it is on screen.
	if strings.Contains(err.Error(), "http://") {
		t.Errorf("error repeats the URL: %q", err)
	}
	noSecret(t, err.Error())
	_, err = c.DeleteDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrUnreachable) || !strings.Contains(err.Error(), "DELETE /dataSource/22") {
		t.Errorf("delete: %v", err)
	}
	noSecret(t, err.Error())
}

func TestNewRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "tenant.immuta.com", "ftp://tenant", "https://", "http://[::1"} {
		if _, err := apiclient.New(u, testKey); err == nil {
			t.Errorf("New(%q) accepted", u)
		} else {
			noSecret(t, err.Error())
		}
	}
	c, err := apiclient.New(" https://tenant.immuta.com/ ", testKey)
	if err != nil || c.BaseURL() != "https://tenant.immuta.com" || c.Host() != "tenant.immuta.com" {
		t.Errorf("New: %v %v", c, err)
	}
}

// A server that echoes the key back (in a message, a plain-text body, a
// long body right at the cut, a non-string message) must not get it shown.
func TestKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
	}{
		{"hapi message", `{"statusCode":400,"message":"bad key sekret-KEY-123 for tenant"}`},
		{"escaped in JSON", `{"message":"bad key sekret-\u004bEY-123"}`},
		{"object message", `{"message":{"key":"sekret-KEY-123"}}`},
		{"error field", `{"error":"sekret-KEY-123 rejected"}`},
		{"plain text", "Authorization: Bearer sekret-KEY-123\nwas refused"},
		{"at the cut", strings.Repeat("y", 505) + "sekret-KEY-123 trailing text"},
		{"message at the cut", `{"message":"` + strings.Repeat("y", 509) + `sekret-KEY-123"}`},
		{"twice", "sekret-KEY-123sekret-KEY-123"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if r.URL.Path == "/bim/apikey/authenticate" {
					reply(w, 500, []byte(c.body))
					return
				}
				reply(w, 400, []byte(c.body))
			})
			_, err := newClient(t, s).GetDataSource(context.Background(), 22)
			if !errors.Is(err, apiclient.ErrBadRequest) {
				t.Fatalf("err = %v", err)
			}
			noSecret(t, err.Error())
			noSecret(t, strings.TrimSuffix(err.Error(), "…"), "sekret-", "KEY-123")
		})
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	t.Parallel()
	const token = "tok-SESSION-987"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch {
		case r.URL.Path == "/bim/apikey/authenticate":
			reply(w, 200, []byte(`{"token":"`+token+`"}`))
		case r.Header.Get("Authorization") != "Bearer "+token:
			reply(w, 401, []byte(`{"message":"key sekret-KEY-123 must be exchanged"}`))
		default:
			reply(w, 403, []byte(`{"message":"token `+token+` may not read source 22 (key sekret-KEY-123)"}`))
		}
	})
	_, err := autoClient(t, s).GetDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrForbidden) {
		t.Fatalf("err = %v", err)
	}
	noSecret(t, err.Error(), token)
	if !strings.Contains(err.Error(), "may not read source 22") {
		t.Errorf("the rest of the message is lost: %q", err)
	}
}

func TestLoggerNeverSeesSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 404, []byte(`{"message":"sekret-KEY-123"}`))
	})
	c := newClient(t, s, apiclient.WithLogger(logger))
	_, _ = c.GetDataSource(context.Background(), 22)
	dead := newClientURL(t, "http://127.0.0.1:1", apiclient.WithLogger(logger), apiclient.WithRetries(0, 0))
	_, _ = dead.GetDataSource(context.Background(), 22)
	if !strings.Contains(buf.String(), "/dataSource/22") || !strings.Contains(buf.String(), "404") {
		t.Errorf("log lacks the request: %s", buf.String())
	}
	noSecret(t, buf.String())
}

func TestDecodeErrorNeverEchoesBody(t *testing.T) {
	t.Parallel()
	s := route(t, http.MethodGet, "/dataSource/22", nil, 200, []byte(`{"id": sekret-KEY-123}`))
	_, err := newClient(t, s).GetDataSource(context.Background(), 22)
	if !errors.Is(err, apiclient.ErrMalformed) {
		t.Fatalf("err = %v", err)
	}
	noSecret(t, err.Error())
}
