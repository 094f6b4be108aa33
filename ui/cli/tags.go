package cli

// tags, tags add, tags rm and columns: a source's tags and its data
// dictionary. The writes follow write.go: the read-only gate first, the
// names checked before anything is sent, a question naming the tags and the
// source (--yes skips it; without a terminal it is needed), the protected
// profile's name, each request sent once, and the result told from the
// server's answer and the tags read back.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

var tagsCommand = &command{
	name:    "tags",
	args:    "ID [--json]",
	summary: "list a data source's tags",
	detail: `Reads GET /dataSource/ID/tags. CONTEXT says how a tag was applied (manual,
catalog, sdd, ...). --json prints the server's answer as sent.

Verbs:
  tags add   add tags to a data source (dsbrowse tags add --help)
  tags rm    remove tags from a data source (dsbrowse tags rm --help)`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var asJSON bool
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			if err := wantArgs("tags", args, 1, "ID (or a verb: add, rm)"); err != nil {
				return err
			}
			id, err := parseID("tags", "ID", args[0])
			if err != nil {
				return err
			}
			st, err := r.env.Client.ListSourceTags(r.ctx, id)
			if err != nil {
				return notFound(err, "data source %d", id)
			}
			if asJSON {
				return writeJSON(r.io.Out, st)
			}
			if len(st.Tags) == 0 {
				fmt.Fprintf(r.io.Err, "data source %d has no tags\n", id)
				return nil
			}
			t := newTable("TAG", "CONTEXT", "SOURCE")
			for _, tag := range st.Tags {
				t.add(tag.Name, tag.TagContext(), tag.TagSource())
			}
			return t.write(r.io.Out)
		}
	},
}

// openTagWrite is how tags add and tags rm begin, before anything is
// asked or sent: ID TAG... read with every name checked, the read-only
// gate, and the source read for its name (src).
func (r *run) openTagWrite(cmd string, args []string) (id int64, names []string, src string, err error) {
	if id, names, err = tagArgs(cmd, args); err != nil {
		return 0, nil, "", err
	}
	if err := r.writeGate(); err != nil {
		return 0, nil, "", err
	}
	if src, err = r.sourceLabel(id); err != nil {
		return 0, nil, "", err
	}
	return id, names, src, nil
}

// tagArgs reads ID TAG... and checks every name before anything is sent.
func tagArgs(cmd string, args []string) (int64, []string, error) {
	if len(args) < 2 {
		return 0, nil, usagef(cmd, "missing arguments: want ID TAG...")
	}
	id, err := parseID(cmd, "ID", args[0])
	if err != nil {
		return 0, nil, err
	}
	var names []string
	for _, n := range args[1:] {
		if err := apiclient.CheckTagName(n); err != nil {
			return 0, nil, usagef(cmd, "%s", err.Error())
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return id, names, nil
}

// confirmTags asks before a tag write (tags can drive policies: adding or
// removing one may change what everybody sees), then, on a protected
// profile, for the profile name ("add tags", "remove tags").
func (r *run) confirmTags(verb, what string, id int64, yes bool) error {
	if err := r.askTags(verb, what, id, yes); err != nil {
		return err
	}
	return r.confirmProtected(verb + " tags")
}

func (r *run) askTags(verb, what string, id int64, yes bool) error {
	if yes {
		fmt.Fprintf(r.io.Err, "%s.\n", upperFirst(what))
		return nil
	}
	if !r.interactive() {
		return fmt.Errorf("refusing to %s tags on data source %d: stdin is not a terminal, so nobody can confirm; pass --yes", verb, id)
	}
	got, err := r.readLine(upperFirst(what) + "? [y/N] ")
	if err != nil {
		return err
	}
	if a := strings.ToLower(strings.TrimSpace(got)); a != "y" && a != "yes" {
		return errors.New("cancelled")
	}
	return nil
}

// tagOutcomes is the TAG / RESULT table of a tag write: the tag clipped
// like a table cell, the result whole (an error must not lose its end).
type tagOutcomes struct{ rows [][2]string }

func (o *tagOutcomes) add(tag, result string) {
	o.rows = append(o.rows, [2]string{safe.Short(tag, maxCell), safe.Line(result)})
}

func (o *tagOutcomes) write(w io.Writer) error {
	width := len("TAG")
	for _, r := range o.rows {
		width = max(width, ansi.StringWidth(r[0]))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "TAG%s  RESULT\n", strings.Repeat(" ", width-len("TAG")))
	for _, r := range o.rows {
		fmt.Fprintf(&b, "%s%s  %s\n", r[0], strings.Repeat(" ", width-ansi.StringWidth(r[0])), r[1])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeOutcomes prints the end of a write on several items (tags rm,
// unsubscribe): the server's answers with --json, else the outcome table.
func (r *run) writeOutcomes(asJSON bool, answers any, table interface{ write(io.Writer) error }) error {
	if asJSON {
		return writeJSON(r.io.Out, answers)
	}
	return table.write(r.io.Out)
}

func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(safe.Line(n))
	}
	return strings.Join(q, ", ")
}

var tagsAddCommand = &command{
	name:    "tags add",
	args:    "ID TAG... [--yes] [--json]",
	summary: "add tags to a data source",
	detail: `Sends one POST /tag/datasource/ID with [{"name":TAG},...] after asking on the
terminal, naming the tags and the source (default no); without a terminal
it refuses unless --yes is given. On a protected profile the profile name
is asked for too. Prints one line per tag: added, or why not, from the
server's answer and the tags read back afterwards. --json prints the
server's answer (the outcome lines go to stderr).`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var yes, asJSON bool
		fs.BoolVar(&yes, "yes", false, "do not ask (needed when stdin is not a terminal)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON answer")
		return func(r *run, args []string) error {
			id, names, src, err := r.openTagWrite("tags add", args)
			if err != nil {
				return err
			}
			if err := r.confirmTags("add", fmt.Sprintf("add %s to %s", quotedList(names), src), id, yes); err != nil {
				return err
			}
			call := fmt.Sprintf("POST /tag/datasource/%d", id)
			ans, err := r.env.Client.AddSourceTags(r.ctx, id, names)
			if err != nil {
				return r.writeFailed(notFound(err, "data source %d", id), "added the tags", fmt.Sprintf("dsbrowse tags %d", id))
			}
			report := r.io.Out
			if asJSON {
				raw, err := serverJSON(call, ans.Raw)
				if err == nil {
					err = writeJSON(r.io.Out, raw)
				}
				if err != nil {
					return fmt.Errorf("%w: the tags were accepted, but --json has nothing to print; check with: dsbrowse tags %d", err, id)
				}
				report = r.io.Err
			}
			// The answer lists the tags added; the tags read back settle
			// what it leaves out.
			now, rerr := r.env.Client.ListSourceTags(r.ctx, id)
			failed := 0
			t := &tagOutcomes{}
			for _, n := range names {
				result := "added"
				switch {
				case rerr == nil && !now.Tags.Has(n):
					failed++
					result = "error: accepted, but the source does not have it"
				case ans.Known && !ans.Tags.Has(n):
					result = "added (not in the server's answer; read back)"
				case rerr != nil:
					result = "added (could not read the tags back: " + describe(rerr, r.env.Target.TenantURL) + ")"
				}
				t.add(n, result)
			}
			if err := t.write(report); err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d tags were not added to %s", failed, len(names), src)
			}
			return nil
		}
	},
}

var tagsRmCommand = &command{
	name:    "tags rm",
	args:    "ID TAG... [--yes] [--json]",
	summary: "remove tags from a data source",
	detail: `The tags are read first: a name the source does not have is reported and not
sent. Then rm asks on the terminal, naming the tags and the source (default
no); without a terminal it refuses unless --yes is given. On a protected
profile the profile name is asked for too. It sends one
DELETE /tag/datasource/ID/TAG (the name URL-escaped) per tag, in order, and
prints one line per tag: removed, or the error, checked against the tags
read back. Exits 1 when any failed. --json prints an array of
{"tag": TAG, "answer": <the server's answer>} for the ones removed.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var yes, asJSON bool
		fs.BoolVar(&yes, "yes", false, "do not ask (needed when stdin is not a terminal)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON answers")
		return func(r *run, args []string) error {
			id, names, src, err := r.openTagWrite("tags rm", args)
			if err != nil {
				return err
			}
			before, err := r.env.Client.ListSourceTags(r.ctx, id)
			if err != nil {
				return notFound(err, "data source %d", id)
			}
			t := &tagOutcomes{}
			failed := 0
			var send []string
			for _, n := range names {
				if before.Tags.Has(n) {
					send = append(send, n)
				}
			}
			if len(send) > 0 {
				if err := r.confirmTags("remove", fmt.Sprintf("remove %s from %s", quotedList(send), src), id, yes); err != nil {
					return err
				}
			}
			type answer struct {
				Tag    string          `json:"tag"`
				Answer json.RawMessage `json:"answer"`
			}
			answers := []answer{}
			results := map[string]string{}
			interrupted := false
			for _, n := range send {
				if interrupted {
					results[n] = "not sent"
					continue
				}
				ans, err := r.env.Client.RemoveSourceTag(r.ctx, id, n)
				if err != nil {
					err = r.writeFailed(notFound(err, "tag %q on data source %d", n, id), "removed "+strconv.Quote(n), fmt.Sprintf("dsbrowse tags %d", id))
					results[n] = "error: " + describe(err, r.env.Target.TenantURL)
					interrupted = r.ctx.Err() != nil || errors.Is(err, apiclient.ErrReadOnly)
					continue
				}
				raw := json.RawMessage("null")
				if ans != nil && json.Valid(ans.Raw) {
					raw = ans.Raw
				}
				answers = append(answers, answer{n, raw})
				results[n] = "removed"
			}
			// The DELETE's answer is untyped: the tags read back tell.
			var after *apiclient.SourceTags
			var rerr error
			if len(answers) > 0 {
				after, rerr = r.env.Client.ListSourceTags(r.ctx, id)
			}
			for _, n := range names {
				res, sent := results[n]
				switch {
				case !sent:
					res = "error: not on this source; nothing was sent"
				case res == "removed" && rerr != nil:
					res += " (could not read the tags back: " + describe(rerr, r.env.Target.TenantURL) + ")"
				case res == "removed" && after.Tags.Has(n):
					res = "error: accepted, but the source still has it"
				}
				if res != "removed" && !strings.HasPrefix(res, "removed (") {
					failed++
				}
				t.add(n, res)
				if asJSON && strings.HasPrefix(res, "error: ") {
					fmt.Fprintf(r.io.Err, "error: tag %s: %s\n", strconv.Quote(safe.Line(n)), strings.TrimPrefix(res, "error: "))
				}
			}
			if err := r.writeOutcomes(asJSON, answers, t); err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d tags were not removed from %s", failed, len(names), src)
			}
			return nil
		}
	},
}

var columnsCommand = &command{
	name:    "columns",
	args:    "ID [--json]",
	summary: "list a data source's columns (its data dictionary)",
	detail: `Reads GET /dictionary/ID: each column's name, type, remote type, whether it
may be null, whether it is the primary key, its tags and description.
--json prints the server's answer as sent.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var asJSON bool
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			if err := wantArgs("columns", args, 1, "ID"); err != nil {
				return err
			}
			id, err := parseID("columns", "ID", args[0])
			if err != nil {
				return err
			}
			d, err := r.env.Client.GetDictionary(r.ctx, id)
			if err != nil {
				// Worded as the TUI's columns view: "the data dictionary of
				// data source 1 not found" read as a broken sentence.
				if errors.Is(err, apiclient.ErrNotFound) {
					return &subjectError{msg: fmt.Sprintf("data source %d has no data dictionary (the server answered: not found)", id), cause: err}
				}
				return err
			}
			if asJSON {
				return writeJSON(r.io.Out, d)
			}
			if len(d.Columns) == 0 {
				fmt.Fprintf(r.io.Err, "data source %d has no columns in its data dictionary\n", id)
				return nil
			}
			t := newTable("NAME", "TYPE", "REMOTE TYPE", "NULLABLE", "KEY", "TAGS", "DESCRIPTION")
			for _, c := range d.Columns {
				key := ""
				if c.IsPrimaryKey {
					key = "yes"
				}
				t.add(c.Name, c.DataType, c.RemoteType, yesNo(c.IsNullable()), key, strings.Join(c.Tags.Names(), ", "), c.Description)
			}
			return t.write(r.io.Out)
		}
	},
}
