package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/visibility"
)

var lsCommand = &command{
	name:    "ls",
	args:    "[flags]",
	summary: "list data sources",
	detail: `Follows every page unless --limit is given. Repeat a filter flag to match
any of its values (--tag PII --tag Finance). With --json (--format json),
prints one JSON array of the objects exactly as the server sent them;
--format ndjson prints one per line. --format csv and tsv print the
table's columns with every cell whole (TSV writes a tab, newline or
backslash in a cell as \t, \n or \\).

Pages are fetched several at a time (the profile's concurrency) and printed
in order as soon as every page before them is in, so output starts after
one round trip and the list is never held whole. The first page has the
profile's page_size rows, later ones up to 1000 (fewer if the server caps
them). The table's columns are sized from the first page and a longer cell
is cut with "…" (IDs never are); --wide waits for every page and sizes
the columns to fit. If a page fails, what came before it stays printed and
the error follows on stderr (exit 1); a --json array is then left unclosed,
so no JSON parser takes the part for the whole list.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var o apiclient.ListOptions
		var status, subscription, tag, handler strList
		var desc, asJSON, wide bool
		var limit int
		var format string
		fs.StringVar(&o.SearchText, "search", "", "search names for `TEXT`")
		fs.Var(&status, "status", "only sources whose health check `STATUS` is passed or failed")
		fs.Var(&subscription, "subscription", "only sources with this subscription `STATE`: pending, owner, subscribed, not_subscribed, expert, ingest")
		fs.Var(&tag, "tag", "only sources with this `TAG`")
		fs.Var(&handler, "handler", "only sources with this blob `HANDLER` type (Snowflake, Native S3, ...)")
		fs.StringVar(&o.Schema, "schema", "", "only sources in this SQL `SCHEMA` (one; the server takes a single schema)")
		fs.StringVar(&o.SortField, "sort", "", "sort by `FIELD` on the server: "+strings.Join(apiclient.DataSourceSortFields, ", "))
		fs.BoolVar(&desc, "desc", false, "sort descending")
		fs.IntVar(&limit, "limit", 0, "stop after `N` sources (0: all)")
		fs.BoolVar(&asJSON, "json", false, "print JSON (--format json)")
		fs.StringVar(&format, "format", "", "print as `FORMAT`: table, csv, tsv, json or ndjson")
		fs.BoolVar(&wide, "wide", false, "wait for every page, then size the columns to fit")
		return func(r *run, args []string) error {
			if err := wantArgs("ls", args, 0, "no arguments"); err != nil {
				return err
			}
			outFmt, err := parseFormat("ls", format, asJSON)
			if err != nil {
				return err
			}
			if limit < 0 {
				return usagef("ls", "--limit must not be negative")
			}
			if err := oneOf("ls", "--status", status, "passed", "failed"); err != nil {
				return err
			}
			if err := oneOf("ls", "--subscription", subscription, "pending", "owner", "subscribed", "not_subscribed", "expert", "ingest"); err != nil {
				return err
			}
			if o.SortField != "" {
				if err := oneOf("ls", "--sort", []string{o.SortField}, apiclient.DataSourceSortFields...); err != nil {
					return err
				}
			}
			o.Status, o.Subscription, o.Tag, o.BlobHandlerType = status, subscription, tag, handler
			if desc {
				o.SortOrder = "desc"
			} else if o.SortField != "" {
				o.SortOrder = "asc"
			}
			listed, err := streamAs(r, listing[apiclient.DataSource]{
				fetch: func(ctx context.Context, offset, size int) ([]apiclient.DataSource, int, error) {
					o := o
					o.Offset, o.Size = offset, size
					p, err := r.env.Client.ListDataSources(ctx, o)
					if err != nil {
						return nil, 0, err
					}
					return p.Hits, p.Count, nil
				},
				raw:  func(d *apiclient.DataSource) json.RawMessage { return d.Raw },
				path: "/dataSource",
				cols: []column{{title: "ID", min: 6, keep: true}, {title: "NAME"}, {title: "STATUS", min: len("passed")},
					{title: "SUBSCRIPTION", min: len("not_subscribed")}, {title: "HANDLER"}, {title: "SCHEMA"}, {title: "STATE"}},
				cells: func(d *apiclient.DataSource) []string {
					return []string{strconv.FormatInt(d.ID, 10), d.Name, d.Status, d.SubscriptionStatus, d.BlobHandlerType, d.SQLSchemaName, state(d)}
				},
			}, limit, outFmt, wide)
			if err == nil && !listed && outFmt == fmtTable {
				fmt.Fprintln(r.io.Err, "no data sources match")
			}
			return err
		}
	},
}

func oneOf(cmd, flagName string, got []string, allowed ...string) error {
	for _, g := range got {
		ok := false
		for _, a := range allowed {
			ok = ok || g == a
		}
		if !ok {
			return usagef(cmd, "%s %q: want one of %s", flagName, g, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func state(d *apiclient.DataSource) string {
	if d.IsDisabled() {
		return "disabled"
	}
	return "active"
}

var getCommand = &command{
	name:    "get",
	args:    "ID | --name NAME | --table SQLTABLE [--json]",
	summary: "show one data source",
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var name, tbl string
		var asJSON bool
		fs.StringVar(&name, "name", "", "find the source by its display `NAME`")
		fs.StringVar(&tbl, "table", "", "find the source by its SQL `TABLE` name")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			given := len(args)
			if name != "" {
				given++
			}
			if tbl != "" {
				given++
			}
			if given != 1 || len(args) > 1 {
				return usagef("get", "want exactly one of ID, --name NAME or --table SQLTABLE")
			}
			var d *apiclient.DataSource
			var err error
			switch {
			case name != "":
				d, err = r.env.Client.GetDataSourceByName(r.ctx, name)
				err = notFound(err, "data source named %q", name)
			case tbl != "":
				d, err = r.env.Client.GetDataSourceBySQLTable(r.ctx, tbl)
				err = notFound(err, "data source with SQL table %q", tbl)
			default:
				id, perr := parseID("get", "ID", args[0])
				if perr != nil {
					return perr
				}
				d, err = r.env.Client.GetDataSource(r.ctx, id)
				err = notFound(err, "data source %d", id)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(r.io.Out, d)
			}
			return writeSource(r, d)
		}
	},
}

func writeSource(r *run, d *apiclient.DataSource) error {
	var f fields
	f.add("ID", strconv.FormatInt(d.ID, 10))
	f.add("Name", d.Name)
	f.add("State", state(d))
	f.add("Description", d.Description)
	f.add("Status", d.Status)
	for _, k := range slices.Sorted(maps.Keys(d.StatusInfo)) {
		c := d.StatusInfo[k]
		v := c.Status
		if c.Message != "" {
			v += ": " + c.Message
		}
		f.add("  check "+k, v)
	}
	f.add("Subscription", joinNonEmpty(" / ", d.SubscriptionStatus, d.SubscriptionType))
	if d.SubscriptionPolicy != nil {
		f.add("Subscription policy", d.SubscriptionPolicy.Type)
	}
	f.add("Type", d.Type)
	f.add("Handler", d.BlobHandlerType)
	if d.BlobHandler != nil {
		f.add("Handler URL", d.BlobHandler.URL)
	}
	f.add("Policy handler", d.PolicyHandlerType)
	f.add("Connection", d.ConnectionString)
	f.add("SQL table", joinNonEmpty(".", d.SQLSchemaName, d.SQLTableName))
	f.add("Remote table", joinNonEmpty(".", d.RemoteSchema, d.RemoteTable))
	f.add("Domain", d.DomainName)
	f.add("Records", strconv.FormatInt(d.RecordCount, 10))
	if d.RowCount != nil {
		f.add("Rows", strconv.FormatInt(*d.RowCount, 10))
	}
	f.add("Tags", strings.Join(d.Tags.Names(), ", "))
	f.add("Created", d.CreatedAt)
	f.add("Created by", d.CreatedBy.String())
	f.add("Updated", d.UpdatedAt)
	f.add("Expiration", d.Expiration)
	if err := f.write(r.io.Out); err != nil {
		return err
	}
	if doc := strings.TrimSpace(d.Documentation); doc != "" {
		_, err := fmt.Fprintf(r.io.Out, "\nDocumentation:\n%s\n", indent(safe.Block(doc), "  "))
		return err
	}
	return nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

var lineageCommand = &command{
	name:    "lineage",
	args:    "ID parents|children [--json]",
	summary: "list the sources a derived source comes from, or the ones derived from it",
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var asJSON bool
		fs.BoolVar(&asJSON, "json", false, "print JSON (an array)")
		return func(r *run, args []string) error {
			if err := wantArgs("lineage", args, 2, "ID parents|children"); err != nil {
				return err
			}
			id, err := parseID("lineage", "ID", args[0])
			if err != nil {
				return err
			}
			kind := apiclient.LineageType(args[1])
			if kind != apiclient.LineageParents && kind != apiclient.LineageChildren {
				return usagef("lineage", "want parents or children, not %q", args[1])
			}
			entries, err := r.env.Client.Lineage(r.ctx, id, kind)
			if err != nil {
				return notFound(err, "data source %d", id)
			}
			if asJSON {
				if entries == nil {
					entries = []apiclient.LineageEntry{}
				}
				return writeJSON(r.io.Out, entries)
			}
			if len(entries) == 0 {
				fmt.Fprintf(r.io.Err, "data source %d has no %s\n", id, kind)
				return nil
			}
			t := newTable("ID", "NAME", "PROJECT", "CREATED", "STATE")
			for _, e := range entries {
				st := "active"
				if e.Deleted {
					st = "deleted"
				}
				t.add(strconv.FormatInt(e.DataSourceID, 10), e.DataSourceName, e.ProjectName, e.CreatedAt, st)
			}
			return t.write(r.io.Out)
		}
	},
}

var blobCommand = &command{
	name:    "blob",
	args:    "ID BLOBID [-o FILE]",
	summary: "download a blob of a data source",
	detail: `Writes to stdout, but not to a terminal unless -o - is given. With -o FILE
the blob goes to a temporary file next to FILE that is renamed into place
when the download is complete, so a failed download leaves no partial file.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var out string
		fs.StringVar(&out, "o", "", "write to `FILE` (- for stdout, even a terminal)")
		return func(r *run, args []string) error {
			if err := wantArgs("blob", args, 2, "ID BLOBID"); err != nil {
				return err
			}
			id, err := parseID("blob", "ID", args[0])
			if err != nil {
				return err
			}
			blobID := args[1]
			if strings.TrimSpace(blobID) == "" {
				return usagef("blob", "BLOBID is empty")
			}
			if out == "" || out == "-" {
				if out == "" && isTerminal(r.rawOut) {
					return errors.New("refusing to write a blob to the terminal: use -o FILE, or -o - to insist")
				}
				// The blob's bytes are data, not text: they bypass the sink.
				_, err := r.env.Client.DownloadBlob(r.ctx, id, blobID, r.rawOut)
				return notFound(err, "blob %q of data source %d", blobID, id)
			}
			n, err := downloadToFile(r, id, blobID, out)
			if err != nil {
				return notFound(err, "blob %q of data source %d", blobID, id)
			}
			fmt.Fprintf(r.io.Err, "wrote %d bytes to %s\n", n, out)
			return nil
		}
	},
}

// downloadToFile writes the blob to a temporary file in path's directory and
// renames it to path once complete; on any error the temporary file goes.
func downloadToFile(r *run, id int64, blobID, path string) (n int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if n, err = r.env.Client.DownloadBlob(r.ctx, id, blobID, tmp); err != nil {
		return n, err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return n, err
	}
	if err = tmp.Sync(); err != nil {
		return n, err
	}
	if err = tmp.Close(); err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
}

var policyCommand = &command{
	name:    "policy",
	args:    "ID --user PROFILE|EMAIL|NAME [--json]",
	summary: "show the masking, row filters and visibility rules that apply to a user",
	detail: `--user takes a profile id, or an email or name that is looked up on the
source's access list (groups expanded): it must match one user exactly,
else the candidates are listed.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var user string
		var asJSON bool
		fs.StringVar(&user, "user", "", "the user: profile `ID`, email or name (required)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			if err := wantArgs("policy", args, 1, "ID --user PROFILE"); err != nil {
				return err
			}
			id, err := parseID("policy", "ID", args[0])
			if err != nil {
				return err
			}
			if user == "" {
				return usagef("policy", "--user PROFILE is required")
			}
			profile, _, err := r.resolveUser("policy", id, user)
			if err != nil {
				return err
			}
			p, err := r.env.Client.UserPolicyInfo(r.ctx, id, profile)
			if err != nil {
				return notFound(err, "data source %d or user %d", id, profile)
			}
			if asJSON {
				return writeJSON(r.io.Out, p)
			}
			var f fields
			f.add("Data source", strconv.FormatInt(id, 10))
			f.add("User profile", strconv.FormatInt(profile, 10))
			f.add("Visibility rule applies", yesNo(p.VisibilityRuleApplies))
			f.add("Visibilities", orNone(compactJSON(p.Visibilities)))
			f.add("Additional filters", orNone(compactJSON(p.AdditionalFilters)))
			f.add("Masked columns", strconv.Itoa(len(p.Masked)))
			if err := f.write(r.io.Out); err != nil {
				return err
			}
			return writeMasked(r, p.Masked)
		}
	},
}

func writeMasked(r *run, masked []apiclient.MaskedColumn) error {
	if len(masked) == 0 {
		return nil
	}
	fmt.Fprintln(r.io.Out)
	t := newTable("COLUMN", "MASKING", "ACTION", "DETAILS")
	for _, m := range masked {
		t.add(m.Name, m.Type, m.ActionType, compactJSON(m.Metadata))
	}
	return t.write(r.io.Out)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

var visibilityCommand = &command{
	name:    "visibility",
	args:    "ID [--user PROFILE|EMAIL|NAME] [--json]",
	summary: "show a visibility report: yours, or a user's with --user",
	detail: `The plain output decodes the report's policySet into readable rules.
--json prints the server's answer: one object for yourself, an array with --user.
--user takes a profile id, or an email or name that is looked up on the
source's access list (groups expanded): it must match one user exactly,
else the candidates are listed.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var user string
		var asJSON bool
		fs.StringVar(&user, "user", "", "the user: profile `ID`, email or name (default: you)")
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			if err := wantArgs("visibility", args, 1, "ID"); err != nil {
				return err
			}
			id, err := parseID("visibility", "ID", args[0])
			if err != nil {
				return err
			}
			var reports []apiclient.VisibilityReport
			who := "" // the verdict's subject: "" is you
			if user != "" {
				profile, _, err := r.resolveUser("visibility", id, user)
				// The same words whichever way the user was named.
				who = "the user"
				if err != nil {
					return err
				}
				reports, err = r.env.Client.UserVisibilityReport(r.ctx, id, profile)
				if err != nil {
					return notFound(err, "data source %d or user %d", id, profile)
				}
				if asJSON {
					if reports == nil {
						reports = []apiclient.VisibilityReport{}
					}
					return writeJSON(r.io.Out, reports)
				}
			} else {
				rep, err := r.env.Client.MyVisibilityReport(r.ctx, id)
				if err != nil {
					return notFound(err, "data source %d", id)
				}
				if asJSON {
					return writeJSON(r.io.Out, rep)
				}
				reports = []apiclient.VisibilityReport{*rep}
			}
			if len(reports) == 0 {
				fmt.Fprintf(r.io.Err, "no visibility report for data source %d\n", id)
				return nil
			}
			for i := range reports {
				if i > 0 {
					fmt.Fprintln(r.io.Out)
				}
				if err := writeReport(r, &reports[i], who); err != nil {
					return err
				}
			}
			return nil
		}
	},
}

// writeReport prints one visibility report, led by the verdict the TUI
// shows (visibility.Judge), so a script reads why who cannot see the data.
func writeReport(r *run, rep *apiclient.VisibilityReport, who string) error {
	var f fields
	name := rep.DataSourceName
	if rep.DataSource != 0 {
		name = joinNonEmpty(" ", name, fmt.Sprintf("(%d)", rep.DataSource))
	}
	f.add("Data source", name)
	v := visibility.Judge([]apiclient.VisibilityReport{*rep}, who)
	if v.CanSee {
		f.add("Verdict", "can see")
		for _, l := range v.Limits {
			f.add("But", l)
		}
	} else {
		f.add("Verdict", "cannot see")
		for _, l := range v.Why {
			f.add("Why", l)
		}
	}
	switch {
	case visibility.HidesEveryRow(*rep):
		f.add("Visibility", fmt.Sprintf("none of the source's %d visibility values: every row is hidden", rep.DataSourceVisibilitiesCount))
	case rep.NoVisibilities:
		f.add("Visibility", "no row visibility rules")
	default:
		f.add("Visibility", fmt.Sprintf("%d of the source's %d visibility values apply", rep.UserVisibilitiesCount, rep.DataSourceVisibilitiesCount))
	}
	if w := strings.TrimSpace(rep.WhereClause); w != "" {
		f.add("Row filter", "WHERE "+w)
	}
	f.add("Additional filters", orNone(compactJSON(rep.AdditionalFilters)))
	f.add("Masked joins", map[bool]string{true: "allowed", false: "not allowed"}[rep.AllowMaskedJoins])
	f.add("Masked columns", strconv.Itoa(len(rep.Masked)))
	if err := f.write(r.io.Out); err != nil {
		return err
	}
	if err := writeMasked(r, rep.Masked); err != nil {
		return err
	}
	policies, err := rep.Policies()
	if err != nil {
		_, werr := fmt.Fprintf(r.io.Out, "\nPolicies: could not decode the policySet (%s): %s\n", safe.Line(err.Error()), safe.Line(compactJSON(rep.PolicySet)))
		return werr
	}
	if len(policies) == 0 {
		_, err := fmt.Fprintln(r.io.Out, "\nPolicies: none")
		return err
	}
	fmt.Fprintln(r.io.Out, "\nPolicies:")
	for _, p := range policies {
		fmt.Fprintln(r.io.Out, "  "+safe.Line(describePolicy(p)))
		for _, rule := range p.Rules {
			fmt.Fprintln(r.io.Out, "    - "+safe.Line(describeRule(rule)))
		}
	}
	return nil
}

func describePolicy(p apiclient.Policy) string {
	s := upperFirst(orDefault(p.Type, "unknown")) + " policy"
	if p.Global != nil && p.Global.Name != "" {
		s += fmt.Sprintf(" %q (global", p.Global.Name)
		if p.Global.Tag != "" {
			s += ", tag " + p.Global.Tag
		}
		s += ")"
	} else {
		s += " (local)"
	}
	if p.Description != "" {
		s += ": " + p.Description
	}
	return s
}

func describeRule(rule apiclient.PolicyRule) string {
	var parts []string
	parts = append(parts, orDefault(rule.Type, "rule"))
	if mc := rule.Config.MaskingConfig; mc != nil && mc.Type != "" {
		parts = append(parts, "using "+mc.Type)
	}
	if len(rule.Config.Fields) > 0 {
		parts = append(parts, "on "+strings.Join(rule.Config.Fields, ", "))
	}
	if rule.Config.Predicate != "" {
		parts = append(parts, "where "+rule.Config.Predicate)
	}
	if ex := describeExceptions(rule.Exceptions); ex != "" {
		parts = append(parts, "except for "+ex)
	}
	if rule.RuleAppliedForUser {
		parts = append(parts, "[applies to this user]")
	} else {
		parts = append(parts, "[does not apply to this user]")
	}
	return strings.Join(parts, " ")
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// describeExceptions reads {"operator":"or","conditions":[{"type":"groups",
// "group":{"name":"X"}}, ...]} as "members of group X or ..."; a shape it
// does not know comes back as compact JSON.
func describeExceptions(raw json.RawMessage) string {
	var ex struct {
		Operator   string `json:"operator"`
		Conditions []struct {
			Type  string `json:"type"`
			Group struct {
				Name string `json:"name"`
			} `json:"group"`
			Authorization struct {
				Auth  string `json:"auth"`
				Value string `json:"value"`
			} `json:"authorization"`
		} `json:"conditions"`
	}
	if json.Unmarshal(raw, &ex) != nil || len(ex.Conditions) == 0 {
		return compactJSON(raw)
	}
	var parts []string
	for _, c := range ex.Conditions {
		switch {
		case c.Type == "groups" && c.Group.Name != "":
			parts = append(parts, "members of group "+c.Group.Name)
		case c.Type == "authorizations" && c.Authorization.Auth != "":
			parts = append(parts, fmt.Sprintf("users with %s=%s", c.Authorization.Auth, c.Authorization.Value))
		default:
			return compactJSON(raw)
		}
	}
	return strings.Join(parts, " "+orDefault(strings.ToLower(ex.Operator), "or")+" ")
}
