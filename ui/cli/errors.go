package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
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

// notFound gives a 404 a subject: "data source 999 not found".
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, apiclient.ErrNotFound) {
		return errors.New(fmt.Sprintf(format, args...) + " not found")
	}
	return err
}

// describe turns any error into one line of plain words. host is the
// tenant URL; key is removed from the text wherever it appears.
func describe(err error, host, key string) string {
	msg := explain(err, host)
	if len(key) >= 4 { // a shorter "key" would blot out ordinary words
		msg = strings.ReplaceAll(msg, key, "[REDACTED]")
	}
	return strings.Join(strings.Fields(safe.Line(msg)), " ")
}

func explain(err error, host string) string {
	var ae *apiclient.APIError
	var te *apiclient.TransportError
	by := ""
	if host != "" {
		by = " by " + host
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, apiclient.ErrReadOnly):
		return "read-only mode: writes are disabled (read_only profile or --read-only)"
	case errors.As(err, &ae):
		detail := ""
		if ae.Message != "" && ae.Message != http.StatusText(ae.StatusCode) {
			detail = ": " + ae.Message
		}
		switch {
		case ae.StatusCode == http.StatusUnauthorized:
			return "the API key was rejected (401)" + by
		case ae.StatusCode == http.StatusForbidden:
			return "permission denied (403)" + by + detail
		case ae.StatusCode == http.StatusNotFound:
			return fmt.Sprintf("not found (404): %s %s%s", ae.Method, pathOnly(ae.Path), detail)
		case ae.StatusCode == http.StatusTooManyRequests:
			return "rate limited (429)" + by + ": try again shortly"
		case ae.StatusCode == http.StatusConflict:
			return "conflict (409)" + detail
		case ae.StatusCode == http.StatusBadRequest || ae.StatusCode == http.StatusUnprocessableEntity:
			return fmt.Sprintf("the server rejected the request (%d)%s", ae.StatusCode, detail)
		case ae.StatusCode >= 500:
			return fmt.Sprintf("server error (%d) from %s on %s %s%s", ae.StatusCode, host, ae.Method, pathOnly(ae.Path), detail)
		}
		return fmt.Sprintf("the server refused the request (%d)%s", ae.StatusCode, detail)
	case errors.As(err, &te):
		msg := te.Err.Error()
		switch {
		case strings.Contains(msg, "timed out"), errors.Is(te.Err, context.DeadlineExceeded):
			return host + " did not answer in time"
		case strings.Contains(msg, "connection refused"):
			msg = "connection refused"
		case strings.Contains(msg, "no such host"):
			msg = "no such host"
		case strings.Contains(msg, "certificate"):
			msg = "TLS certificate problem (" + msg + "); for a private CA set ca_file in the profile"
		}
		return "cannot reach " + host + ": " + msg
	case errors.Is(err, apiclient.ErrMalformed):
		return "could not read the server's answer: " + err.Error()
	}
	return err.Error()
}

func pathOnly(p string) string {
	path, _, _ := strings.Cut(p, "?")
	return path
}
