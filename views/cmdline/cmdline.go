// Package cmdline is the TUI's ":" command line, as in k9s: a prompt the
// root hosts, with tab completion and a history kept across runs. It parses
// a line into what the root should do (Run); the server filters it sets are
// GET /dataSource's own (apiclient.ListOptions), so they combine and reach
// the server exactly as the CLI's ls filters do.
package cmdline

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// Kind is what a command asks the root to do.
type Kind int

const (
	// Filter: reload the list with Result.Opts (the filters after the
	// command; a saved view replaces them all).
	Filter Kind = iota + 1
	Requests
	Ctx // switch to the profile Result.Arg
	Export
	Log
	Help
	Quit
)

// Result is a parsed command.
type Result struct {
	Kind Kind
	Opts apiclient.ListOptions // Filter
	// Arg is the profile (Ctx) or the export format; Path the export file
	// ("" for the default name).
	Arg, Path string
	// Said is a short confirmation for the status line ("" for none).
	Said string
}

// Env is what a command line knows: the filters now on, the saved views
// and the profiles :ctx may switch to.
type Env struct {
	Current  apiclient.ListOptions
	Views    map[string]apiclient.ListOptions
	Profiles []string
	// Handlers and Tags are the values the list has seen, completed
	// after :handler and :tag.
	Handlers, Tags []string
}

// command is one built-in command.
type command struct {
	name string
	arg  string // "" when it takes none; else its placeholder
	help string
}

// builtins are the built-in commands, in the order completion lists them.
var builtins = []command{
	{"failed", "", "only sources whose health check failed"},
	{"passed", "", "only sources whose health check passed"},
	{"pending", "", "only sources with a pending request of yours"},
	{"mine", "", "only sources you own"},
	{"subscribed", "", "only sources you are subscribed to"},
	{"tag", "NAME", "add a tag filter"},
	{"handler", "NAME", "add a handler type filter"},
	{"schema", "NAME", "only sources in this SQL schema"},
	{"search", "TEXT", "server search of names (empty: none)"},
	// The fields are listed by tab: written out, they ran past 80 columns.
	{"sort", "FIELD [asc|desc]", "the server's order (tab lists the fields)"},
	{"all", "", "clear the server filters"},
	{"requests", "", "pending access requests"},
	{"ctx", "PROFILE", "switch to another profile"},
	{"export", "FORMAT [FILE]", "export the rows shown (csv, json, ndjson)"},
	{"log", "", "the request log"},
	{"help", "", "keys and commands"},
	{"q", "", "quit"},
	{"quit", "", "quit"},
}

// IsBuiltin reports whether name is a built-in command (a saved view may
// not take its name).
func IsBuiltin(name string) bool {
	return slices.ContainsFunc(builtins, func(c command) bool { return c.name == name })
}

// Builtins lists the built-in command names.
func Builtins() []string {
	out := make([]string, len(builtins))
	for i, c := range builtins {
		out[i] = c.name
	}
	return out
}

// ExportFormats are the formats :export writes.
var ExportFormats = []string{"csv", "json", "ndjson"}

// Run parses line (with or without its ":") against env.
func Run(line string, env Env) (Result, error) {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), ":"))
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	word = strings.ToLower(word)
	o := env.Current
	// Filters are copied before a change: env.Current's slices belong to
	// the caller.
	o.Status, o.Subscription = slices.Clone(o.Status), slices.Clone(o.Subscription)
	o.Tag, o.BlobHandlerType = slices.Clone(o.Tag), slices.Clone(o.BlobHandlerType)
	filter := func(said string) (Result, error) {
		return Result{Kind: Filter, Opts: o, Said: said}, nil
	}
	noArg := func(r Result) (Result, error) {
		if rest != "" {
			return Result{}, fmt.Errorf(":%s takes no argument", word)
		}
		return r, nil
	}
	needArg := func(what string) error {
		if rest == "" {
			return fmt.Errorf(":%s needs a %s", word, what)
		}
		return nil
	}
	switch word {
	case "":
		return Result{}, fmt.Errorf("no command (tab lists them)")
	case "failed", "passed":
		o.Status = []string{word}
		r, _ := filter("")
		return noArg(r)
	case "pending", "mine", "subscribed":
		sub := map[string]string{"pending": "pending", "mine": "owner", "subscribed": "subscribed"}[word]
		o.Subscription = []string{sub}
		r, _ := filter("")
		return noArg(r)
	case "tag":
		if err := needArg("tag NAME"); err != nil {
			return Result{}, err
		}
		if !slices.Contains(o.Tag, rest) {
			o.Tag = append(o.Tag, rest)
		}
		return filter("")
	case "handler":
		if err := needArg("handler NAME"); err != nil {
			return Result{}, err
		}
		if !slices.Contains(o.BlobHandlerType, rest) {
			o.BlobHandlerType = append(o.BlobHandlerType, rest)
		}
		return filter("")
	case "schema":
		if err := needArg("schema NAME"); err != nil {
			return Result{}, err
		}
		o.Schema = rest
		return filter("")
	case "search":
		o.SearchText = rest
		return filter("")
	case "sort":
		field, order, _ := strings.Cut(rest, " ")
		i := slices.IndexFunc(apiclient.DataSourceSortFields, func(f string) bool { return strings.EqualFold(f, field) })
		order = strings.ToLower(strings.TrimSpace(order))
		if i < 0 || (order != "" && order != "asc" && order != "desc") {
			return Result{}, fmt.Errorf(":sort needs a FIELD (%s), then asc or desc", strings.Join(apiclient.DataSourceSortFields, ", "))
		}
		if order == "" {
			order = "asc"
		}
		o.SortField, o.SortOrder = apiclient.DataSourceSortFields[i], order
		return filter("")
	case "all":
		return noArg(Result{Kind: Filter, Said: "server filters cleared"})
	case "requests":
		return noArg(Result{Kind: Requests})
	case "log":
		return noArg(Result{Kind: Log})
	case "help":
		return noArg(Result{Kind: Help})
	case "q", "quit":
		return noArg(Result{Kind: Quit})
	case "ctx":
		if rest == "" {
			return Result{}, fmt.Errorf(":ctx needs a PROFILE (%s)", known(env.Profiles))
		}
		if !slices.Contains(env.Profiles, rest) {
			return Result{}, fmt.Errorf("unknown profile %q (%s)", rest, known(env.Profiles))
		}
		return Result{Kind: Ctx, Arg: rest}, nil
	case "export":
		format, path, _ := strings.Cut(rest, " ")
		format = strings.ToLower(format)
		if !slices.Contains(ExportFormats, format) {
			return Result{}, fmt.Errorf(":export needs a FORMAT: %s, then a FILE (optional)", strings.Join(ExportFormats, ", "))
		}
		return Result{Kind: Export, Arg: format, Path: strings.TrimSpace(path)}, nil
	}
	if v, ok := env.Views[word]; ok {
		if rest != "" {
			return Result{}, fmt.Errorf("the view :%s takes no argument", word)
		}
		return Result{Kind: Filter, Opts: v, Said: "view " + word}, nil
	}
	return Result{}, fmt.Errorf("unknown command %s (tab lists the commands)", strconv.Quote(":"+word))
}

func known(profiles []string) string {
	if len(profiles) == 0 {
		return "no profiles are defined in the config"
	}
	return "known: " + strings.Join(profiles, ", ")
}

// Complete lists the lines that complete line: command names (built-in,
// then the saved views), then a profile for :ctx or a format for :export.
func Complete(line string, env Env) []string {
	line = strings.TrimPrefix(strings.TrimLeft(line, " "), ":")
	word, rest, spaced := strings.Cut(line, " ")
	lw := strings.ToLower(word)
	var out []string
	if !spaced {
		for _, c := range builtins {
			if strings.HasPrefix(c.name, lw) {
				out = append(out, c.name+argSpace(c.arg))
			}
		}
		for _, name := range sortedKeys(env.Views) {
			if strings.HasPrefix(name, lw) && !IsBuiltin(name) {
				out = append(out, name)
			}
		}
		return out
	}
	var words []string
	switch lw {
	case "ctx":
		words = env.Profiles
	case "export":
		if strings.Contains(strings.TrimLeft(rest, " "), " ") {
			return nil // the FILE is the user's
		}
		words = ExportFormats
	case "handler":
		words = env.Handlers
	case "tag":
		words = env.Tags
	case "sort":
		words = apiclient.DataSourceSortFields
	default:
		return nil
	}
	rest = strings.TrimLeft(rest, " ")
	for _, w := range words {
		if strings.HasPrefix(strings.ToLower(w), strings.ToLower(rest)) {
			out = append(out, lw+" "+w)
		}
	}
	return out
}

func argSpace(arg string) string {
	if arg != "" {
		return " "
	}
	return ""
}

func sortedKeys(m map[string]apiclient.ListOptions) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Label says which server filters o holds, in the words the commands use
// ("status:failed tag:PII"); "" when none is on.
func Label(o apiclient.ListOptions) string {
	var parts []string
	add := func(k string, vs ...string) {
		for _, v := range vs {
			if v != "" {
				if strings.ContainsAny(v, " \t\"") {
					v = strconv.Quote(v)
				}
				parts = append(parts, k+":"+v)
			}
		}
	}
	add("status", o.Status...)
	for _, s := range o.Subscription {
		if s == "owner" {
			s = "mine"
		}
		add("sub", s)
	}
	add("tag", o.Tag...)
	add("handler", o.BlobHandlerType...)
	add("schema", o.Schema)
	add("search", o.SearchText)
	if o.SortField != "" {
		arrow := "↑"
		if o.SortOrder == "desc" {
			arrow = "↓"
		}
		parts = append(parts, "sort:"+o.SortField+arrow)
	}
	return strings.Join(parts, " ")
}

// Usage lists the commands for the help screen, one "name ARG  help" a line.
func Usage(views []string) []string {
	out := make([]string, 0, len(builtins)+1)
	for _, c := range builtins {
		if c.name == "quit" {
			continue
		}
		n := ":" + c.name
		if c.arg != "" {
			n += " " + c.arg
		}
		out = append(out, fmt.Sprintf("%-24s %s", n, c.help))
	}
	if len(views) > 0 {
		out = append(out, fmt.Sprintf("%-24s %s", ":NAME", "saved views: "+strings.Join(views, ", ")))
	}
	return out
}
