package cli

import (
	"context"
	"errors"
	"fmt"
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

// explain words err for the command line: apiclient.ExplainAt naming the
// host, plus what only the CLI says: ctrl+c interrupts, how read-only mode
// is set, and a connection problem in short words.
func explain(err error, host string) string {
	var te *apiclient.TransportError
	switch {
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
// timeout, which apiclient.ExplainAt words.
func dialProblem(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "timed out"), errors.Is(err, context.DeadlineExceeded):
		return ""
	case strings.Contains(msg, "connection refused"):
		return "connection refused"
	case strings.Contains(msg, "no such host"):
		return "no such host"
	case strings.Contains(msg, "certificate"):
		return "TLS certificate problem (" + msg + "); for a private CA set ca_file in the profile"
	}
	return ""
}
