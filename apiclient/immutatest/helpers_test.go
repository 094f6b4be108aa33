package immutatest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

var ctx = context.Background()

// start runs a server for the test and a client for it with fast retries.
func start(t testing.TB, o Options, opts ...apiclient.Option) (*Server, *apiclient.Client) {
	t.Helper()
	s := NewServer(o)
	t.Cleanup(s.Close)
	opts = append([]apiclient.Option{apiclient.WithRetries(0, time.Millisecond)}, opts...)
	c, err := apiclient.New(s.URL, s.Handler.Key(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// do sends a raw request; auth "" sends no Authorization header.
func do(t testing.TB, s *Server, method, path, body, auth string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// get is an authorised GET that must answer 200.
func get(t testing.TB, s *Server, path string) []byte {
	t.Helper()
	code, _, b := do(t, s, http.MethodGet, path, "", "Bearer "+s.Handler.Key())
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, b)
	}
	return b
}

// sameJSON fails unless got and want hold the same JSON value.
func sameJSON(t testing.TB, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: got invalid JSON: %v\n%s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: want invalid JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		var gb, wb bytes.Buffer
		_ = json.Indent(&gb, got, "", "  ")
		_ = json.Indent(&wb, want, "", "  ")
		t.Fatalf("%s differs\n got: %s\nwant: %s", what, gb.String(), wb.String())
	}
}

// hapi decodes an error body and checks its shape.
func hapi(t testing.TB, code int, b []byte) hapiError {
	t.Helper()
	var e hapiError
	if err := json.Unmarshal(b, &e); err != nil || e.StatusCode != code || e.Error == "" || e.Message == "" {
		t.Fatalf("want a hapi %d error, got %s", code, b)
	}
	return e
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
