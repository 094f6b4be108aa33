package cli

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// command is one subcommand.
type command struct {
	name    string // "ls", "s3 create"
	args    string // synopsis after the name
	summary string
	detail  string // extra help text, may be empty
	offline bool   // needs no connection (demo-server)
	// setup registers the command's flags on fs and returns the function
	// that runs it with the positional arguments.
	setup func(fs *flag.FlagSet) func(r *run, args []string) error
}

// commands in help order.
var commands []*command

func init() {
	commands = []*command{
		lsCommand, getCommand, lineageCommand, blobCommand, accessCommand,
		accessSetCommand, accessAddCommand, accessReportCommand,
		policyCommand, visibilityCommand, subscribeCommand, unsubscribeCommand,
		requestsCommand, approveCommand, denyCommand, revokeCommand, deleteCommand,
		tagsCommand, tagsAddCommand, tagsRmCommand, columnsCommand,
		restoreCommand, s3CreateCommand, s3GetCommand, demoServerCommand,
	}
}

// s3Group stands for "s3" without a verb: it has help, and running it is a
// usage error.
var s3Group = &command{
	name:    "s3",
	args:    "create|get ...",
	summary: "manage Native S3 data sources",
	detail: `Verbs:
  s3 create   create Native S3 data sources (dsbrowse s3 create --help)
  s3 get      show a Native S3 handler (dsbrowse s3 get --help)`,
	setup: func(*flag.FlagSet) func(*run, []string) error {
		return func(*run, []string) error { return usagef("s3", "s3 needs a verb: create or get") }
	},
}

// lookup finds the command called name; "s3" takes its verb from rest,
// and "access" its verb set or add (anything else is the listing's ID).
func lookup(name string, rest []string) (*command, []string, error) {
	if name == "s3" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return s3Group, rest, nil
		}
		name, rest = "s3 "+rest[0], rest[1:]
	}
	if name == "access" && len(rest) > 0 && (rest[0] == "set" || rest[0] == "add") {
		name, rest = "access "+rest[0], rest[1:]
	}
	if name == "tags" && len(rest) > 0 && (rest[0] == "add" || rest[0] == "rm") {
		name, rest = "tags "+rest[0], rest[1:]
	}
	for _, c := range commands {
		if c.name == name {
			return c, rest, nil
		}
	}
	return nil, nil, usagef("", "unknown command %q", name)
}

// usage prints the command's help.
func (c *command) usage(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: dsbrowse %s %s\n\n%s.\n", c.name, c.args, upperFirst(c.summary))
	if c.detail != "" {
		b.WriteString("\n" + strings.TrimSpace(c.detail) + "\n")
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setup(fs)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString("\nFlags:\n")
		printFlags(&b, fs)
	}
	b.WriteString("\nGlobal flags (--profile, --config, --demo, --read-only, --debug, ...): see dsbrowse --help.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// strList is a repeatable string flag.
type strList []string

func (l *strList) String() string { return strings.Join(*l, ",") }
func (l *strList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// parseID reads a data source (or handler, or profile) id.
func parseID(cmd, what, s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, usagef(cmd, "%s must be a positive number, not %q", what, s)
	}
	return n, nil
}

// wantArgs checks the number of positional arguments.
func wantArgs(cmd string, args []string, n int, synopsis string) error {
	if len(args) != n {
		if len(args) < n {
			return usagef(cmd, "missing arguments: want %s", synopsis)
		}
		return usagef(cmd, "too many arguments: want %s", synopsis)
	}
	return nil
}
