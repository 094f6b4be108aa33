package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitInterrupted = 130
)

// usageError is a command line mistake: exit 2 and a pointer to the help.
type usageError struct {
	cmd string // "" for the top level
	msg string
}

func (e *usageError) Error() string {
	help := "dsbrowse --help"
	if e.cmd != "" {
		help = "dsbrowse " + e.cmd + " --help"
	}
	return e.msg + " (see " + help + ")"
}

func usagef(cmd, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// errQuiet is returned when the command already said everything on stdout
// and stderr and only the exit status is left.
type errQuiet struct{}

func (errQuiet) Error() string { return "" }

// notFound gives a 404 a subject: "data source 999 not found". The error
// still unwraps to the client's, for errors.Is and errors.As.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, apiclient.ErrNotFound) {
		return &subjectError{msg: fmt.Sprintf(format, args...) + " not found", cause: err}
	}
	return err
}

// subjectError words err in the user's terms and keeps it as the cause.
type subjectError struct {
	msg   string
	cause error
}

func (e *subjectError) Error() string { return e.msg }
func (e *subjectError) Unwrap() error { return e.cause }

// describe turns any error into one line of plain words; host is the
// tenant URL. The sink it is written to makes it safe and redacts the key.
func describe(err error, host string) string { return oneLine(explain(err, host)) }

// oneLine folds every run of white space (newlines included) into one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// explain words err for the command line: apiclient.ExplainAt naming the
// host, plus what only the CLI says: ctrl+c interrupts, how read-only mode
// is set, and a connection problem in short words.
func explain(err error, host string) string {
	var te *apiclient.TransportError
	var se *subjectError
	switch {
	case errors.As(err, &se):
		return se.msg
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, apiclient.ErrReadOnly):
		return apiclient.ExplainAt(err, host) + " (read_only profile or --read-only)"
	case errors.As(err, &te):
		if why := dialProblem(te.Err); why != "" {
			return "cannot reach " + host + ": " + why
		}
	}
	return apiclient.ExplainAt(err, host)
}

// dialProblem says in short words why no connection was made, and where to
// put a private CA; "" when the dialer's own words will do, or for a
// timeout, which apiclient.ExplainAt words. It looks at the error's chain
// (the client keeps the cause), never at its text.
func dialProblem(err error) string {
	var ne net.Error
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return ""
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host"
	case errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &invalid), errors.As(err, &verify):
		return "TLS certificate problem (" + err.Error() + "); for a private CA set ca_file in the profile"
	}
	return ""
}
