package cli

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

var subscribeCommand = &command{
	name:    "subscribe",
	args:    "ID... [--json]",
	summary: "subscribe yourself to data sources",
	detail: `Prints one line per ID: subscribed, pending approval, or the error. Exits 1
when any of them failed.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var asJSON bool
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			if len(args) == 0 {
				return usagef("subscribe", "missing arguments: want one or more IDs")
			}
			var ids []int64
			seen := map[int64]bool{}
			for _, a := range args {
				id, err := parseID("subscribe", "ID", a)
				if err != nil {
					return err
				}
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
			if err := r.writeGate(); err != nil {
				return err
			}
			if err := r.confirmProtected("subscribe"); err != nil {
				return err
			}
			res, err := r.env.Client.Subscribe(r.ctx, apiclient.SubscribeRequest{DataSourceIDs: ids})
			if err != nil {
				return r.writeFailed(err, "subscribed you", "dsbrowse get ID")
			}
			failed := 0
			t := newTable("ID", "RESULT")
			for _, id := range ids {
				result, ok := subscribeOutcome(res, id)
				if !ok {
					failed++
				}
				t.add(strconv.FormatInt(id, 10), result)
			}
			if asJSON {
				err = writeJSON(r.io.Out, res)
			} else {
				err = t.write(r.io.Out)
			}
			if err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d subscriptions failed", failed, len(ids))
			}
			return nil
		}
	},
}

// subscribeOutcome says what happened to id: "subscribed", "pending
// approval" or the state the server named (ok), or "error: ..." (not ok).
func subscribeOutcome(res *apiclient.SubscribeResult, id int64) (string, bool) {
	for _, f := range res.InError {
		if f.DataSourceID == id {
			return "error: " + orDefault(f.Message, "the server refused it"), false
		}
	}
	for _, s := range res.Success {
		if s.DataSourceID() != id {
			continue
		}
		switch strings.ToLower(s.State) {
		case "subscribed":
			return "subscribed", true
		case "pending":
			return "pending approval", true
		case "":
			if s.Approved {
				return "subscribed", true
			}
			return "pending approval", true
		default:
			return s.State, true
		}
	}
	return "error: the server did not report on this source", false
}

// writeFailed words a write that got no usable answer. A refusal (4xx) or
// read-only mode changed nothing. Anything else (no answer, an empty or
// unreadable one, a gateway error, ctrl-c while waiting) may or may not
// have been carried out, and says so, with how to check.
func (r *run) writeFailed(err error, done, check string) error {
	var ae *apiclient.APIError
	if errors.Is(err, apiclient.ErrReadOnly) || (errors.As(err, &ae) && ae.StatusCode < http.StatusInternalServerError) {
		return err
	}
	if errors.Is(err, apiclient.ErrNotSent) {
		return &subjectError{msg: describe(err, r.env.Target.TenantURL) + "; nothing was sent", cause: err}
	}
	return &uncertainError{
		msg:   fmt.Sprintf("%s: the server may or may not have %s; check with: %s", describe(err, r.env.Target.TenantURL), done, check),
		cause: err,
	}
}

var restoreCommand = &command{
	name:    "restore",
	args:    "ID",
	summary: "re-enable a disabled (soft-deleted) data source",
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		return func(r *run, args []string) error {
			if err := wantArgs("restore", args, 1, "ID"); err != nil {
				return err
			}
			id, err := parseID("restore", "ID", args[0])
			if err != nil {
				return err
			}
			if err := r.writeGate(); err != nil {
				return err
			}
			if err := r.confirmProtected("restore"); err != nil {
				return err
			}
			d, err := r.env.Client.RestoreDataSource(r.ctx, id)
			if err != nil {
				return r.writeFailed(notFound(err, "data source %d", id), fmt.Sprintf("restored data source %d", id), fmt.Sprintf("dsbrowse get %d", id))
			}
			// Told from the answer: the source it names, and its state.
			switch {
			case d.ID != 0 && d.ID != id:
				return fmt.Errorf("the server's answer to PUT /dataSource/%d names data source %d; check with: dsbrowse get %d", id, d.ID, id)
			case d.IsDisabled():
				return fmt.Errorf("the server answered, but data source %d is still disabled", id)
			case d.Name != "":
				_, err = fmt.Fprintf(r.io.Out, "Restored %s (%d).\n", safe.Line(d.Name), id)
			default:
				_, err = fmt.Fprintf(r.io.Out, "Restored data source %d.\n", id)
			}
			return err
		}
	},
}

// s3Pairs collects --name/--prefix pairs in order: each --name must be
// followed by its --prefix before the next --name.
type s3Pairs struct {
	pairs []apiclient.S3Source
	open  bool // the last --name has no --prefix yet
}

func (p *s3Pairs) name(s string) error {
	if p.open {
		return fmt.Errorf("--name %q comes before the --prefix of --name %q", s, p.pairs[len(p.pairs)-1].DataSourceName)
	}
	if strings.TrimSpace(s) == "" {
		return errors.New("a data source name cannot be empty")
	}
	p.pairs = append(p.pairs, apiclient.S3Source{DataSourceName: s})
	p.open = true
	return nil
}

func (p *s3Pairs) prefix(s string) error {
	if !p.open {
		return fmt.Errorf("--prefix %q has no --name before it", s)
	}
	if strings.TrimSpace(s) == "" {
		return errors.New("a prefix cannot be empty")
	}
	p.pairs[len(p.pairs)-1].Prefix = s
	p.open = false
	return nil
}

var s3CreateCommand = &command{
	name:    "s3 create",
	args:    "--integration N --name NAME --prefix PREFIX [--name NAME2 --prefix PREFIX2 ...] [--json]",
	summary: "create Native S3 data sources",
	detail: `Each --name is paired with the --prefix that follows it. Everything is
checked before any request is sent. For every source created, the handler
is read back (GET /native-s3/handler/ID) and shown. --json prints an array
of {"created": <server answer>, "handler": <handler or null>}.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var integration int64
		var asJSON bool
		var p s3Pairs
		fs.Int64Var(&integration, "integration", 0, "the S3 integration `ID` (required)")
		fs.Func("name", "a data source `NAME`", p.name)
		fs.Func("prefix", "the S3 `PREFIX` for the --name before it", p.prefix)
		fs.BoolVar(&asJSON, "json", false, "print JSON")
		return func(r *run, args []string) error {
			if err := wantArgs("s3 create", args, 0, "flags only"); err != nil {
				return err
			}
			if integration <= 0 {
				return usagef("s3 create", "--integration N is required (a positive number)")
			}
			if len(p.pairs) == 0 {
				return usagef("s3 create", "want at least one --name NAME --prefix PREFIX pair")
			}
			if p.open {
				return usagef("s3 create", "--name %q has no --prefix", p.pairs[len(p.pairs)-1].DataSourceName)
			}
			seen := map[string]bool{}
			for _, s := range p.pairs {
				if seen[s.DataSourceName] {
					return usagef("s3 create", "--name %q is given twice", s.DataSourceName)
				}
				seen[s.DataSourceName] = true
			}
			if err := r.writeGate(); err != nil {
				return err
			}
			if err := r.confirmProtected("create data sources"); err != nil {
				return err
			}
			created, err := r.env.Client.CreateS3(r.ctx, apiclient.S3CreateRequest{IntegrationID: integration, DataSources: p.pairs})
			if err != nil {
				if errors.Is(err, apiclient.ErrMalformed) {
					return errors.New("the sources may have been created, but the server's answer could not be read: check with dsbrowse ls --handler 'Native S3'")
				}
				return err
			}
			type result struct {
				Created apiclient.S3Created  `json:"created"`
				Handler *apiclient.S3Handler `json:"handler"`
			}
			results := make([]result, 0, len(created))
			for _, c := range created {
				res := result{Created: c}
				if c.DataSourceID > 0 {
					h, err := r.env.Client.GetS3Handler(r.ctx, c.DataSourceID)
					if err != nil {
						fmt.Fprintf(r.io.Err, "warning: created %s (%d) but could not read its handler: %s\n",
							safe.Line(c.DataSourceName), c.DataSourceID, describe(err, r.env.Target.TenantURL))
					} else {
						res.Handler = h
					}
				}
				results = append(results, res)
			}
			if asJSON {
				return writeJSON(r.io.Out, results)
			}
			t := newTable("ID", "NAME", "PREFIX", "INTEGRATION", "LOCATION", "HANDLER")
			for _, res := range results {
				integ, loc, typ := strconv.FormatInt(integration, 10), "", ""
				if h := res.Handler; h != nil {
					if h.Metadata.IntegrationID != 0 {
						integ = strconv.FormatInt(h.Metadata.IntegrationID, 10)
					}
					loc, typ = h.AWSLocationPath, h.Type
				}
				t.add(strconv.FormatInt(res.Created.DataSourceID, 10), res.Created.DataSourceName, res.Created.Prefix, integ, loc, typ)
			}
			return t.write(r.io.Out)
		}
	},
}

var s3GetCommand = &command{
	name:    "s3 get",
	args:    "HANDLER_ID [--json]",
	summary: "show a Native S3 handler (its id is the data source's id)",
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var asJSON bool
		fs.BoolVar(&asJSON, "json", false, "print the server's JSON")
		return func(r *run, args []string) error {
			if err := wantArgs("s3 get", args, 1, "HANDLER_ID"); err != nil {
				return err
			}
			id, err := parseID("s3 get", "HANDLER_ID", args[0])
			if err != nil {
				return err
			}
			h, err := r.env.Client.GetS3Handler(r.ctx, id)
			if err != nil {
				return notFound(err, "Native S3 handler %d", id)
			}
			if asJSON {
				return writeJSON(r.io.Out, h)
			}
			var f fields
			f.add("ID", strconv.FormatInt(h.ID, 10))
			f.add("Type", h.Type)
			f.add("Data source name", h.Metadata.DataSourceName)
			f.add("Prefix", h.Metadata.Prefix)
			if h.Metadata.IntegrationID != 0 {
				f.add("Integration", strconv.FormatInt(h.Metadata.IntegrationID, 10))
			}
			f.add("AWS location", h.AWSLocationPath)
			return f.write(r.io.Out)
		}
	},
}
