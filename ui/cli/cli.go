// Package cli is dsbrowse's command line: global flags, the connection
// setup shared with the terminal UI, and the scriptable subcommands (ls,
// get, delete, ...). stdout carries data, stderr carries messages, and any
// failure is one line on stderr with a non-zero exit status.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/ui/config"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// DefaultDemoSources is how many sources --demo generates.
const DefaultDemoSources = 300

// IO is where a run reads and writes. Getenv, when nil, is os.Getenv.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
}

// Env is the resolved setup a command or the terminal UI runs with.
type Env struct {
	Ctx    context.Context // cancelled on ctrl-c
	Client *apiclient.Client
	Target *config.Target
	Config *config.Config
	// Demo is the in-process emulator started by --demo, else nil.
	Demo        *immutatest.Server
	DemoSources int
	// Debug is set by --debug (or --log-file); requests are then logged to
	// LogFile through Logger. Logger is never nil.
	Debug   bool
	LogFile string
	Logger  *slog.Logger

	closers []func()
	// The --read-only and --allow-http flags, which hold for every profile
	// the TUI's :ctx switches to (profiles.go).
	flagReadOnly, flagAllowHTTP bool
}

// Close stops the demo server and closes the debug log.
func (e *Env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// globals are the flags accepted before or after any subcommand.
type globals struct {
	profile     string
	configPath  string
	demo        bool
	demoSources int
	readOnly    bool
	allowHTTP   bool
	debug       bool
	logFile     string
	version     bool
}

// register adds the global flags to fs, keeping the values already parsed.
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.profile, "profile", g.profile, "use the profile `NAME` from the config file")
	fs.StringVar(&g.configPath, "config", g.configPath, "read the config from `FILE` (default "+displayPath(config.DefaultPath())+")")
	fs.BoolVar(&g.demo, "demo", g.demo, "run against an in-process emulator with generated data")
	fs.IntVar(&g.demoSources, "demo-sources", g.demoSources, "generate `N` data sources for --demo")
	fs.BoolVar(&g.readOnly, "read-only", g.readOnly, "refuse every write (delete, restore, subscribe, create, approve, deny, access changes, tags)")
	fs.BoolVar(&g.allowHTTP, "allow-http", g.allowHTTP, "allow an http:// tenant URL that is not this machine (the key travels in clear text)")
	fs.BoolVar(&g.debug, "debug", g.debug, "log requests to "+displayPath(defaultLogPath()))
	fs.StringVar(&g.logFile, "log-file", g.logFile, "log requests to `FILE` (implies --debug)")
	fs.BoolVar(&g.version, "version", g.version, "print the version and exit")
}

// testClientOptions are added to every client; tests use them to watch or
// refuse dials.
var testClientOptions []apiclient.Option

// isTerminal reports whether v is a terminal; tests replace it.
var isTerminal = func(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// Main runs dsbrowse with args (without the program name) and returns the
// exit status. With no subcommand it sets up the connection and calls
// runTUI.
func Main(ctx context.Context, args []string, stdio IO, runTUI func(env *Env) error) int {
	if stdio.In == nil {
		stdio.In = strings.NewReader("")
	}
	if stdio.Out == nil {
		stdio.Out = io.Discard
	}
	if stdio.Err == nil {
		stdio.Err = io.Discard
	}
	if stdio.Getenv == nil {
		stdio.Getenv = os.Getenv
	}
	r := &run{ctx: ctx, io: stdio, rawOut: stdio.Out, g: globals{demoSources: DefaultDemoSources}}
	// Every message and every line of data leaves through a sink; only a
	// blob download writes to rawOut.
	r.io.Out = &sink{w: stdio.Out, r: r}
	r.io.Err = &sink{w: stdio.Err, r: r}
	err := r.main(args, runTUI)
	return r.exit(err)
}

// sink is the one place text leaves the process, on stdout or stderr: what
// is written is made safe for a terminal (safe.Block: escape sequences and
// control characters shown, bidi controls dropped) and then has the API key
// and session token replaced by [REDACTED]. Each Write is one unit (a line,
// a table, a JSON document), so a key cannot straddle two writes.
type sink struct {
	w io.Writer
	r *run
}

func (s *sink) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, s.r.redact(safe.Block(string(p)))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// redact hides the API key (and, once the client has one, the session
// token) in s. Before the connection is resolved there is nothing to hide.
func (r *run) redact(s string) string {
	if r.env == nil || r.env.Target == nil {
		return s
	}
	if r.env.Client != nil {
		return r.env.Client.Redact(s) // the key and every session token
	}
	if key := r.env.Target.Key; key != "" {
		s = strings.ReplaceAll(s, key, "[REDACTED]")
	}
	return s
}

// run is one invocation.
type run struct {
	ctx    context.Context
	io     IO        // Out and Err are sinks
	rawOut io.Writer // stdout as given, for blob bytes only
	g      globals
	cmd    string // the subcommand, for usage errors
	env    *Env
	stdin  *bufio.Reader
}

func (r *run) main(args []string, runTUI func(*Env) error) error {
	top := flag.NewFlagSet("dsbrowse", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	top.Usage = func() {}
	r.g.register(top)
	if err := checkFlags(top, args, false); err != nil {
		var fe *flagProblem
		if errors.As(err, &fe) && fe.unknown {
			return usagef("", "unknown global flag --%s (a command's flags go after its name: dsbrowse ls --%s)", fe.name, fe.name)
		}
		return usagef("", "%s", err)
	}
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return r.topUsage(r.io.Out)
		}
		return usagef("", "%s", flagError(err))
	}
	rest := top.Args()
	if len(rest) == 0 {
		if r.g.version {
			return r.printVersion()
		}
		if err := r.setup(); err != nil {
			return err
		}
		if runTUI == nil {
			return errors.New("the terminal UI is not available")
		}
		return runTUI(r.env)
	}

	name, rest := rest[0], rest[1:]
	if name == "help" {
		return r.help(rest)
	}
	cmd, rest, err := lookup(name, rest)
	if err != nil {
		return err
	}
	r.cmd = cmd.name
	fs := flag.NewFlagSet("dsbrowse "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	r.g.register(fs)
	exec := cmd.setup(fs)
	if err := checkFlags(fs, rest, true); err != nil {
		return usagef(cmd.name, "%s", err)
	}
	pos, err := parseInterspersed(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cmd.usage(r.io.Out)
		}
		return usagef(cmd.name, "%s", flagError(err))
	}
	if r.g.version {
		return r.printVersion()
	}
	if !cmd.offline {
		if err := r.setup(); err != nil {
			return err
		}
	}
	return exec(r, pos)
}

// exit prints err (one line) and picks the exit status.
func (r *run) exit(err error) int {
	if r.env != nil {
		r.env.Close()
	}
	if err == nil {
		return ExitOK
	}
	var ue *usageError
	var q errQuiet
	var uncertain *uncertainError
	switch {
	case errors.As(err, &q):
		return ExitError
	case errors.As(err, &ue):
		fmt.Fprintln(r.io.Err, "error: "+oneLine(ue.Error()))
		return ExitUsage
	case errors.As(err, &uncertain):
		// Even when interrupted, say that the write may have been done.
		fmt.Fprintln(r.io.Err, "error: "+oneLine(uncertain.Error()))
		if r.ctx.Err() != nil {
			return ExitInterrupted
		}
		return ExitError
	}
	if errors.Is(err, context.Canceled) || r.ctx.Err() != nil {
		// The client's transport errors do not wrap the context's error.
		fmt.Fprintln(r.io.Err, "error: interrupted")
		return ExitInterrupted
	}
	host := ""
	if r.env != nil && r.env.Target != nil {
		host = r.env.Target.TenantURL
	}
	fmt.Fprintln(r.io.Err, "error: "+describe(err, host))
	return ExitError
}

func (r *run) printVersion() error {
	_, err := fmt.Fprintln(r.io.Out, "dsbrowse "+apiclient.Version)
	return err
}

// setup loads the config, resolves the connection (or starts the demo
// emulator) and builds the client.
func (r *run) setup() error {
	g := &r.g
	cfg, err := config.Load(g.configPath)
	if err != nil {
		return err
	}
	env := &Env{Ctx: r.ctx, Config: cfg, DemoSources: g.demoSources, Logger: slog.New(slog.DiscardHandler)}
	r.env = env
	if g.logFile != "" || g.debug {
		path := g.logFile
		if path == "" {
			path = defaultLogPath()
		}
		f, err := openLog(path)
		if err != nil {
			return err
		}
		env.closers = append(env.closers, func() { _ = f.Close() })
		env.Debug, env.LogFile = true, path
		env.Logger = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if g.demo {
		if g.profile != "" {
			return usagef(r.cmd, "--demo and --profile cannot be used together")
		}
		if g.demoSources < 0 {
			return usagef(r.cmd, "--demo-sources must not be negative")
		}
		srv := immutatest.NewServer(immutatest.Options{Sources: g.demoSources})
		env.Demo = srv
		env.closers = append(env.closers, srv.Close)
		env.Target = cfg.Demo(srv.URL, srv.Handler.Key())
	} else {
		t, err := cfg.Resolve(g.profile, r.io.Getenv)
		if err != nil {
			return err
		}
		env.Target = t
	}
	if g.readOnly {
		env.Target.ReadOnly = true
	}
	if g.allowHTTP {
		env.Target.AllowHTTP = true
	}
	env.flagReadOnly, env.flagAllowHTTP = g.readOnly, g.allowHTTP
	env.Client, err = newClient(env.Target, append([]apiclient.Option{apiclient.WithLogger(env.Logger)}, testClientOptions...)...)
	if err != nil {
		return err
	}
	env.Logger.Debug("connection", "target", env.Target.String(), "read_only", env.Target.ReadOnly, "demo", g.demo)
	return nil
}

func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("debug log: %v", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("debug log: %v", err)
	}
	return f, nil
}

// defaultLogPath is debug.log in config.StateDir(): under $XDG_STATE_HOME,
// falling back to ~/.local/state.
func defaultLogPath() string {
	dir := config.StateDir()
	if dir == "" {
		return filepath.Join(os.TempDir(), "dsbrowse-debug.log")
	}
	return filepath.Join(dir, "debug.log")
}

// displayPath shortens $HOME to ~ for help text.
func displayPath(p string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "" && strings.HasPrefix(p, home+string(filepath.Separator)) {
		return "~" + p[len(home):]
	}
	return p
}

// flagProblem is an unknown flag or a flag without its value, found by
// checkFlags before the flag package sees the arguments (its own errors are
// only text).
type flagProblem struct {
	name    string
	unknown bool // else: the flag needs a value
}

func (e *flagProblem) Error() string {
	if e.unknown {
		return "unknown flag --" + e.name
	}
	return "flag --" + e.name + " needs a value"
}

// checkFlags finds the first unknown flag, or a flag missing its value, in
// args as fs.Parse would read them: up to "--", and up to the first
// positional argument unless interspersed.
func checkFlags(fs *flag.FlagSet, args []string, interspersed bool) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		if len(a) < 2 || a[0] != '-' {
			if !interspersed {
				return nil
			}
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		name, _, hasValue := strings.Cut(name, "=")
		if name == "" || name[0] == '-' || name[0] == '=' {
			continue // the flag package words a malformed flag itself
		}
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				continue
			}
			return &flagProblem{name: name, unknown: true}
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); (ok && b.IsBoolFlag()) || hasValue {
			continue
		}
		if i+1 >= len(args) {
			return &flagProblem{name: name}
		}
		i++ // the value, whatever it looks like
	}
	return nil
}

// flagError words the flag package's remaining errors (a bad value) with
// double dashes, as the help shows flags.
func flagError(err error) string {
	return strings.Replace(err.Error(), " for flag -", " for flag --", 1)
}

// parseInterspersed parses flags anywhere among the positional arguments;
// everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// readLine prompts on stderr and reads one line from stdin; ctrl-c ends
// the wait.
func (r *run) readLine(prompt string) (string, error) {
	fmt.Fprint(r.io.Err, prompt)
	if r.stdin == nil {
		r.stdin = bufio.NewReader(r.io.In)
	}
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := r.stdin.ReadString('\n')
		ch <- result{line, err}
	}()
	select {
	case <-r.ctx.Done():
		fmt.Fprintln(r.io.Err)
		return "", r.ctx.Err()
	case res := <-ch:
		if res.err != nil && res.line == "" {
			fmt.Fprintln(r.io.Err)
			if errors.Is(res.err, io.EOF) {
				return "", nil
			}
			return "", res.err
		}
		return strings.TrimRight(res.line, "\r\n"), nil
	}
}

// interactive reports whether prompts can be answered.
func (r *run) interactive() bool { return isTerminal(r.io.In) }

// confirmProtected makes the user type the profile name before a write on a
// protected profile. --yes does not skip it.
func (r *run) confirmProtected(action string) error {
	t := r.env.Target
	if !t.Protected {
		return nil
	}
	if !r.interactive() {
		return fmt.Errorf("profile %s is protected: %s needs the profile name typed at a terminal", t.Profile, action)
	}
	got, err := r.readLine(fmt.Sprintf("Profile %s is protected. Type %s to %s: ", t.Profile, t.Profile, action))
	if err != nil {
		return err
	}
	if strings.TrimSpace(got) != t.Profile {
		return errors.New("cancelled: the profile name did not match")
	}
	return nil
}

// writeGate fails early, before any prompt, when writes are off.
func (r *run) writeGate() error {
	if r.env.Client.ReadOnly() {
		return apiclient.ErrReadOnly
	}
	return nil
}

func (r *run) help(args []string) error {
	if len(args) == 0 {
		return r.topUsage(r.io.Out)
	}
	cmd, rest, err := lookup(args[0], args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("", "help takes one command name")
	}
	return cmd.usage(r.io.Out)
}

func (r *run) topUsage(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`dsbrowse browses Immuta data sources: a terminal UI, and commands for scripts.

Usage:
  dsbrowse [flags]                     open the terminal UI
  dsbrowse COMMAND [arguments] [flags]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-13s %s\n", c.name, c.summary)
	}
	b.WriteString(`
Global flags (before or after the command):
`)
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	(&globals{demoSources: DefaultDemoSources}).register(fs)
	fs.Bool("help", false, "show help (dsbrowse COMMAND --help for a command's own flags)")
	printFlags(&b, fs)
	b.WriteString(`
Connection, first match wins:
  --profile NAME              a [profiles.NAME] table in the config file
  IMMUTA_URL, IMMUTA_API_KEY  environment (or IMMUTA_HOST, IMMUTA_API_TOKEN)
  default_profile             from the config file
  --demo                      an in-process emulator; nothing leaves the machine

Data goes to stdout and messages to stderr. Exit status: 0 ok, 1 error,
2 usage error, 130 interrupted.
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// printFlags lists fs's flags as "  --name VALUE   usage".
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if len(f.Name) == 1 {
			left = "-" + f.Name
		}
		if name != "" {
			left += " " + strings.ToUpper(name)
		}
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "[]" && !strings.Contains(usage, "(default") {
			usage += " (default " + d + ")"
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	})
	width = max(width, 18)
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.left, r.usage)
	}
}
