package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// sourceFilters are ls's filters, for access-report.
type sourceFilters struct {
	o                                  apiclient.ListOptions
	status, subscription, tag, handler strList
	desc                               bool
	limit                              int
}

func (f *sourceFilters) register(fs *flag.FlagSet) {
	fs.StringVar(&f.o.SearchText, "search", "", "only sources whose name contains `TEXT`")
	fs.Var(&f.status, "status", "only sources whose health check `STATUS` is passed or failed")
	fs.Var(&f.subscription, "subscription", "only sources with this subscription `STATE`: pending, owner, subscribed, not_subscribed, expert, ingest")
	fs.Var(&f.tag, "tag", "only sources with this `TAG`")
	fs.Var(&f.handler, "handler", "only sources with this blob `HANDLER` type (Snowflake, Native S3, ...)")
	fs.StringVar(&f.o.Schema, "schema", "", "only sources in this SQL `SCHEMA` (one)")
	fs.StringVar(&f.o.SortField, "sort", "", "take the sources in the order of `FIELD` on the server (name, createdAt, ...)")
	fs.BoolVar(&f.desc, "desc", false, "sort descending")
	fs.IntVar(&f.limit, "limit", 0, "stop after `N` sources (0: all)")
}

func (f *sourceFilters) options(cmd string) (apiclient.ListOptions, error) {
	o := f.o
	if f.limit < 0 {
		return o, usagef(cmd, "--limit must not be negative")
	}
	if err := oneOf(cmd, "--status", f.status, "passed", "failed"); err != nil {
		return o, err
	}
	if err := oneOf(cmd, "--subscription", f.subscription, "pending", "owner", "subscribed", "not_subscribed", "expert", "ingest"); err != nil {
		return o, err
	}
	if o.SortField != "" {
		if err := oneOf(cmd, "--sort", []string{o.SortField}, apiclient.DataSourceSortFields...); err != nil {
			return o, err
		}
	}
	o.Status, o.Subscription, o.Tag, o.BlobHandlerType = f.status, f.subscription, f.tag, f.handler
	if f.desc {
		o.SortOrder = "desc"
	} else if o.SortField != "" {
		o.SortOrder = "asc"
	}
	return o, nil
}

var accessReportCommand = &command{
	name:    "access-report",
	args:    "[ls filters] [--state S]... [--type T]... [--expand-groups] [--format csv|json|ndjson] [-o FILE]",
	summary: "report every member of every matching data source, one row each",
	detail: `Walks the data sources that ls would list with the same filters, and each
one's access list (--state, --type and --expand-groups filter it as for
dsbrowse access), and writes one row per (source, member): source_id,
source_name, sql_table, member_type, member_id, name, email, state,
approved, expiration, since.

--format csv (the default) writes a header row first; json writes one
array; ndjson one object per line. Sources are fetched several at a time
and written in list order, each source's rows together as soon as its
list is in and every source before it is written, so the report starts
at once and only a few sources' members are held at any time. A progress
bar goes to stderr when it is a terminal (and the rows do not go to that
terminal too).

A source whose members cannot be read is reported on stderr, its rows are
left out, and the others go on; the exit status is then 1. If the list of
sources itself fails, what came before stays written (a json array is
left unclosed, as ls --json leaves it) and with -o no file is made. -o
FILE writes to a temporary file next to FILE, renamed into place at the
end.`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var sf sourceFilters
		var mf memberFilters
		var format, out string
		sf.register(fs)
		mf.register(fs)
		fs.StringVar(&format, "format", "csv", "write `FORMAT`: csv, json or ndjson")
		fs.StringVar(&out, "o", "", "write to `FILE` instead of stdout")
		return func(r *run, args []string) error {
			const cmd = "access-report"
			if err := wantArgs(cmd, args, 0, "flags only"); err != nil {
				return err
			}
			lo, err := sf.options(cmd)
			if err != nil {
				return err
			}
			var ao apiclient.AccessOptions
			if err := mf.options(cmd, &ao); err != nil {
				return err
			}
			f, err := report.ParseFormat(format)
			if err != nil {
				return usagef(cmd, "--format: %v", err)
			}
			rep := &reportRun{r: r, list: lo, members: ao, limit: sf.limit, format: f}
			if out == "" || out == "-" {
				rep.w, rep.toStdout = r.io.Out, true
				return rep.run()
			}
			return rep.toFile(out)
		}
	},
}

type reportRun struct {
	r       *run
	w       io.Writer
	list    apiclient.ListOptions
	members apiclient.AccessOptions
	limit   int
	format  report.Format
	// toStdout is set when the report goes to stdout rather than a file.
	toStdout bool

	total   atomic.Int64 // sources to walk, once the first page says (-1 before)
	written struct {
		sources, rows, failed int
	}
	// complete is set when every matching source was walked, whether or
	// not some failed: the report is worth keeping.
	complete bool
	progress *progressBar
}

// errStopList stops the source list when the walk wants no more.
var errStopList = errors.New("the report stopped")

// run writes the report to rep.w: the sources come from ls's pager, their
// members from report.Walk, in list order.
func (rep *reportRun) run() error {
	r := rep.r
	t := r.env.Target
	rep.total.Store(-1)
	// The bar goes to a terminal's stderr, unless the rows go to that
	// screen too (they show the progress themselves, and would tear it).
	if w := rawStderr(r); w != nil && isTerminal(w) && !(rep.toStdout && isTerminal(r.rawOut)) {
		rep.progress = &progressBar{w: w}
	}
	parallel := min(max(t.Concurrency, 1), maxParallel)

	// Each source's rows reach the sink as one write (see sink): the
	// report's writer buffers into unit, which is passed on whole.
	var unit bytes.Buffer
	w, err := report.NewWriter(&unit, rep.format)
	if err != nil {
		return err
	}
	pass := func() error {
		if err := w.Flush(); err != nil {
			return err
		}
		if unit.Len() == 0 {
			return nil
		}
		b := unit.Bytes()
		if rep.format != report.CSV {
			b = escapeJSON(b) // as --json output is: safe to cat, same data
		}
		_, err := rep.w.Write(b)
		unit.Reset()
		return err
	}
	if err := pass(); err != nil { // a CSV's header, at once
		return err
	}

	var listErr error
	sources := func(yield func(report.Source) bool) {
		p := pager[apiclient.DataSource, []report.Source]{
			fetch: func(ctx context.Context, offset, size int) ([]apiclient.DataSource, int, error) {
				o := rep.list
				o.Offset, o.Size = offset, size
				pg, err := r.env.Client.ListDataSources(ctx, o)
				if err != nil {
					return nil, 0, err
				}
				if offset == 0 && pg.Count >= 0 {
					n := int64(pg.Count)
					if rep.limit > 0 {
						n = min(n, int64(rep.limit))
					}
					rep.total.Store(n)
				}
				return pg.Hits, pg.Count, nil
			},
			raw:  func(d *apiclient.DataSource) json.RawMessage { return d.Raw },
			path: "/dataSource",
			render: func(items []apiclient.DataSource) ([]report.Source, error) {
				out := make([]report.Source, len(items))
				for i := range items {
					out[i] = report.SourceOf(&items[i])
				}
				return out, nil
			},
			emit: func(srcs []report.Source) error {
				for _, s := range srcs {
					if !yield(s) {
						return errStopList
					}
				}
				return nil
			},
			first: t.PageSize, size: pageBound(t), parallel: parallel, limit: rep.limit, fixed: t.FixedPaging,
		}
		if err := p.run(r.ctx); err != nil && !errors.Is(err, errStopList) {
			listErr = err
		}
	}

	rep.draw(true)
	o := report.Options{Access: rep.members, Concurrency: parallel}
	o.Access.Size = pageBound(t)
	walkErr := report.Walk(r.ctx, r.env.Client, sources, o, func(d report.Done) error {
		if d.Err != nil {
			// Its rows so far are left out: a part would read as the whole.
			rep.written.failed++
			rep.progress.clear()
			fmt.Fprintf(r.io.Err, "error: data source %d (%s): %s; its members are not in the report\n",
				d.Source.ID, safe.Line(d.Source.Name), describe(notFound(d.Err, "data source %d", d.Source.ID), t.TenantURL))
			rep.draw(true)
			return nil
		}
		for _, row := range d.Rows {
			if err := w.Write(row); err != nil {
				return err
			}
		}
		if err := pass(); err != nil {
			return err
		}
		rep.written.sources++
		rep.written.rows += len(d.Rows)
		rep.draw(false)
		return nil
	})
	rep.draw(true)
	rep.progress.clear()

	switch {
	case walkErr != nil:
		return walkErr
	case listErr != nil:
		// As ls --json: an unclosed array is not taken for the whole list.
		return &subjectError{msg: fmt.Sprintf("listing the data sources stopped after %d of them: %s",
			rep.written.sources+rep.written.failed, describe(listErr, t.TenantURL)), cause: listErr}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := pass(); err != nil {
		return err
	}
	rep.complete = true
	if rep.written.failed > 0 {
		return fmt.Errorf("%d of %d data sources failed: their members are not in the report", rep.written.failed, rep.written.sources+rep.written.failed)
	}
	if rep.written.sources == 0 {
		fmt.Fprintln(r.io.Err, "no data sources match")
	}
	return nil
}

// toFile writes the report to a temporary file next to path and renames
// it into place when every source was walked (some may have failed); when
// the source list fails or ctrl-c stops it, the temporary file goes and
// path is left as it was.
func (rep *reportRun) toFile(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if !keep {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// The same sink as stdout: the key redacted, safe to cat.
	rep.w = &sink{w: tmp, r: rep.r}
	runErr := rep.run()
	if !rep.complete {
		return runErr
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	keep = true
	fmt.Fprintf(rep.r.io.Err, "wrote %d rows from %d data sources to %s\n", rep.written.rows, rep.written.sources, path)
	return runErr
}

// rawStderr is stderr as given to Main, under its sink, for the progress
// bar's carriage returns (the sink would show them as symbols).
func rawStderr(r *run) io.Writer {
	if s, ok := r.io.Err.(*sink); ok {
		return s.w
	}
	return nil
}

// draw updates the progress bar (at most ten times a second unless now).
func (rep *reportRun) draw(now bool) {
	rep.progress.draw(now, rep.written.sources+rep.written.failed, int(rep.total.Load()), rep.written.rows, rep.written.failed)
}

// progressBar is one line on a terminal's stderr, redrawn in place. A nil
// bar draws nothing.
type progressBar struct {
	w     io.Writer
	last  time.Time
	shown bool
}

func (p *progressBar) draw(now bool, done, total, rows, failed int) {
	if p == nil || (!now && time.Since(p.last) < 100*time.Millisecond) {
		return
	}
	p.last = time.Now()
	const width = 24
	bar := strings.Repeat("·", width)
	of := "?"
	if total >= 0 {
		of = strconv.Itoa(total)
		if total > 0 {
			k := min(done*width/total, width)
			bar = strings.Repeat("█", k) + strings.Repeat("·", width-k)
		}
	}
	line := fmt.Sprintf("\r\x1b[K%s %d/%s sources, %d rows", bar, done, of, rows)
	if failed > 0 {
		line += fmt.Sprintf(", %d failed", failed)
	}
	_, _ = io.WriteString(p.w, line)
	p.shown = true
}

// clear removes the bar so a message can take its line.
func (p *progressBar) clear() {
	if p == nil || !p.shown {
		return
	}
	_, _ = io.WriteString(p.w, "\r\x1b[K")
	p.shown = false
}
