package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/config"
	"github.com/dsbrowse/dsbrowse/views"
)

// The CLI's words for each kind of error: apiclient.ExplainAt naming the
// host and the request, and what only the CLI says.
func TestExplainWords(t *testing.T) {
	const host = "https://acme.immuta.com"
	api := func(status int, msg string) error {
		return &apiclient.APIError{StatusCode: status, Method: "GET", Path: "/dataSource/22?search=x", Message: msg}
	}
	dial := func(err error) error {
		return &apiclient.TransportError{Method: "GET", Path: "/dataSource/22", Err: err}
	}
	op := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
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
		{dial(fmt.Errorf("Client.Timeout exceeded; timed out: %w", context.DeadlineExceeded)), host + " did not answer in time"},
		{&apiclient.TransportError{Err: fmt.Errorf("read: %w", context.DeadlineExceeded)}, host + " did not answer in time"},
		{dial(op(os.NewSyscallError("connect", syscall.ECONNREFUSED))), "cannot reach " + host + ": connection refused"},
		{dial(op(&net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true})), "cannot reach " + host + ": no such host"},
		{dial(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}),
			"cannot reach " + host + ": TLS certificate problem (tls: failed to verify certificate: x509: certificate signed by unknown authority); for a private CA set ca_file in the profile"},
		{dial(io.EOF), "cannot reach " + host + ": EOF"},
		// Words alone are not a cause: only the error's chain is looked at.
		{dial(errors.New("connect: connection refused")), "cannot reach " + host + ": connect: connection refused"},
		{&apiclient.DecodeError{Method: "GET", Path: "/dataSource/22", Err: errors.New("unexpected end of JSON input")},
			host + " sent a response to GET /dataSource/22 that dsbrowse cannot read: unexpected end of JSON input"},
		{errors.New("something else"), "something else"},
	} {
		if got := explain(c.err, host); got != c.want {
			t.Errorf("explain(%v)\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}

// The error line is one line, safe for a terminal, and never holds the key:
// describe folds it, and the sink cleans and redacts it.
func TestErrorLineThroughTheSink(t *testing.T) {
	hermetic(t)
	var out, errb bytes.Buffer
	r := &run{ctx: t.Context(), io: IO{Out: &out, Err: &errb}}
	r.io.Err = &sink{w: &errb, r: r}
	r.env = &Env{Target: &config.Target{Settings: views.Settings{TenantURL: "https://h"}, Key: "k-secret-123"}}
	if code := r.exit(&apiclient.APIError{StatusCode: 403, Message: "key k-secret-123 lacks\n\tGOVERNANCE \x1b[2J\u202e"}); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	if got := errb.String(); got != "error: permission denied (403) by https://h: key [REDACTED] lacks GOVERNANCE ␛[2J\n" {
		t.Errorf("error line = %q", got)
	}
}
