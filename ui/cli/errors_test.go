package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// The CLI's words for each kind of error: apiclient.ExplainAt naming the
// host and the request, and what only the CLI says.
func TestExplainWords(t *testing.T) {
	const host = "https://acme.immuta.com"
	api := func(status int, msg string) error {
		return &apiclient.APIError{StatusCode: status, Method: "GET", Path: "/dataSource/22?search=x", Message: msg}
	}
	dial := func(msg string) error {
		return &apiclient.TransportError{Method: "GET", Path: "/dataSource/22", Err: errors.New(msg)}
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{context.Canceled, "interrupted"},
		{fmt.Errorf("subscribing: %w", apiclient.ErrReadOnly), "read-only mode: writes are disabled (read_only profile or --read-only)"},
		{api(401, "Unauthorized"), "the API key was rejected (401) by " + host},
		{api(401, "Invalid token"), "the API key was rejected (401) by " + host + ": Invalid token"},
		{api(403, "needs GOVERNANCE"), "permission denied (403) by " + host + ": needs GOVERNANCE"},
		{api(404, ""), "not found (404): GET /dataSource/22"},
		{api(404, "no such source"), "not found (404): GET /dataSource/22: no such source"},
		{notFound(api(404, ""), "data source %d", 999), "data source 999 not found"},
		{api(429, ""), "rate limited by " + host + " (429): try again shortly"},
		{api(409, "name taken"), "conflict (409): name taken"},
		{api(400, "size must be a number"), host + " refused the request (400): size must be a number"},
		{api(418, ""), host + " refused the request (418)"},
		{api(502, "boom"), host + " failed (502) on GET /dataSource/22: boom"},
		{dial("dial tcp 10.0.0.1:443: i/o timeout (Client.Timeout exceeded; timed out)"), host + " did not answer in time"},
		{&apiclient.TransportError{Err: fmt.Errorf("read: %w", context.DeadlineExceeded)}, host + " did not answer in time"},
		{dial("dial tcp 127.0.0.1:9: connect: connection refused"), "cannot reach " + host + ": connection refused"},
		{dial("dial tcp: lookup nope.invalid: no such host"), "cannot reach " + host + ": no such host"},
		{dial("tls: failed to verify certificate: x509: unknown authority"),
			"cannot reach " + host + ": TLS certificate problem (tls: failed to verify certificate: x509: unknown authority); for a private CA set ca_file in the profile"},
		{dial("EOF"), "cannot reach " + host + ": EOF"},
		{&apiclient.DecodeError{Method: "GET", Path: "/dataSource/22", Err: errors.New("unexpected end of JSON input")},
			host + " sent a response to GET /dataSource/22 that dsbrowse cannot read: unexpected end of JSON input"},
		{errors.New("something else"), "something else"},
	} {
		if got := explain(c.err, host); got != c.want {
			t.Errorf("explain(%v)\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}

// describe keeps the key out, folds white space and makes the text safe.
func TestDescribe(t *testing.T) {
	err := &apiclient.APIError{StatusCode: 403, Message: "key k-secret-123 lacks\n\tGOVERNANCE \x1b[2J"}
	if got := describe(err, "https://h", "k-secret-123"); got != "permission denied (403) by https://h: key [REDACTED] lacks GOVERNANCE ␛[2J" {
		t.Errorf("describe = %q", got)
	}
	// A very short key would blot out ordinary words: it is left alone.
	if got := describe(errors.New("no key"), "", "no"); got != "no key" {
		t.Errorf("short key: %q", got)
	}
}
