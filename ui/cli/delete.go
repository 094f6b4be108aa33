package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Deleting is two different things, and the command line keeps them apart:
// "delete ID" only ever disables (undone by restore), and only "delete ID
// --permanent" deletes for good, and only a source that is already
// disabled. So a script that runs "delete ID --yes" twice, or a stale read,
// can never turn a disable into a permanent delete.
var deleteCommand = &command{
	name:    "delete",
	args:    "ID [--permanent] [--yes] [--json]",
	summary: "disable a data source (soft delete); with --permanent, delete a disabled one for good",
	detail: `Without --permanent, an active source is disabled (a soft delete that
dsbrowse restore undoes). A source that is already disabled is left alone:
delete says so and exits 1.

With --permanent, a disabled source is deleted for good, which cannot be
undone: on a terminal you type its name (--yes skips that, for scripts). An
active source is refused: disable it first.

Without --yes, delete asks on the terminal (default no) and refuses when
stdin is not a terminal. On a protected profile the profile name is asked
for as well, even with --yes. The source is read first, and what happened
is told from the server's answer and a read afterwards, never assumed; when
the answer is lost, delete says the server may or may not have done it.
--json prints the server's answer to the DELETE (the outcome line then goes
to stderr).`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var o deleteOptions
		fs.BoolVar(&o.permanent, "permanent", false, "delete a disabled source for good (cannot be undone)")
		fs.BoolVar(&o.yes, "yes", false, "do not ask (needed when stdin is not a terminal)")
		fs.BoolVar(&o.asJSON, "json", false, "print the server's JSON answer")
		return func(r *run, args []string) error {
			if err := wantArgs("delete", args, 1, "ID"); err != nil {
				return err
			}
			id, err := parseID("delete", "ID", args[0])
			if err != nil {
				return err
			}
			o.id = id
			return r.delete(o)
		}
	},
}

type deleteOptions struct {
	id                     int64
	permanent, yes, asJSON bool
}

// readForWrite reads the source a write is about to act on. The id in the
// write is always the one the user gave; an answer that is empty or names
// another source stops the write before anything is sent.
func (r *run) readForWrite(id int64) (*apiclient.DataSource, error) {
	call := fmt.Sprintf("GET /dataSource/%d", id)
	d, err := r.env.Client.GetDataSource(r.ctx, id)
	switch {
	case errors.Is(err, apiclient.ErrEmptyAnswer):
		return nil, fmt.Errorf("empty answer from %s: nothing was changed", call)
	case err != nil:
		return nil, notFound(err, "data source %d", id)
	case d == nil:
		return nil, fmt.Errorf("empty answer from %s: nothing was changed", call)
	}
	if _, err := serverJSON(call, d.Raw); err != nil {
		return nil, fmt.Errorf("%w: nothing was changed", err)
	}
	if d.ID != id {
		if d.ID == 0 {
			return nil, fmt.Errorf("%s answered without the source's id: nothing was changed", call)
		}
		return nil, fmt.Errorf("%s answered with data source %d instead: nothing was changed", call, d.ID)
	}
	return d, nil
}

func (r *run) delete(o deleteOptions) error {
	if err := r.writeGate(); err != nil {
		return err
	}
	d, err := r.readForWrite(o.id)
	if err != nil {
		return err
	}
	label := fmt.Sprintf("%s (%d)", safe.Line(d.Name), o.id)
	switch {
	case !o.permanent && d.IsDisabled():
		return fmt.Errorf("%s is already disabled, so nothing was sent; to delete it for good: dsbrowse delete %d --permanent; to bring it back: dsbrowse restore %d", label, o.id, o.id)
	case o.permanent && !d.IsDisabled():
		return fmt.Errorf("%s is still active: disable it first (dsbrowse delete %d), then delete it for good with --permanent", label, o.id)
	}
	if err := r.confirmDelete(d, label, o); err != nil {
		return err
	}
	if err := r.confirmProtected("delete"); err != nil {
		return err
	}
	if prompted := !o.yes || r.env.Target.Protected; prompted {
		// A prompt can stay open for minutes: if another client disabled
		// the source meanwhile, this DELETE would delete it for good.
		if err := r.recheckBeforeDelete(label, o); err != nil {
			return err
		}
	}
	res, err := r.env.Client.DeleteDataSource(r.ctx, o.id)
	var emptyErr error
	if errors.Is(err, apiclient.ErrEmptyAnswer) {
		// The server took the DELETE (2xx) but said nothing: the read
		// afterwards tells what happened.
		res, err, emptyErr = nil, nil, err
	}
	if err != nil {
		return r.deleteFailed(err, label, o)
	}
	return r.deleteDone(res, emptyErr, label, o)
}

// recheckBeforeDelete reads the source again after the prompts, so the
// DELETE still does what was confirmed: nothing is sent when the source
// changed state (or went away) in the meantime.
func (r *run) recheckBeforeDelete(label string, o deleteOptions) error {
	d, err := r.readForWrite(o.id)
	if err != nil {
		return err
	}
	switch {
	case !o.permanent && d.IsDisabled():
		return fmt.Errorf("%s was disabled by someone else while you were asked, so nothing was sent; to delete it for good: dsbrowse delete %d --permanent", label, o.id)
	case o.permanent && !d.IsDisabled():
		return fmt.Errorf("%s was restored by someone else while you were asked, so nothing was sent", label)
	}
	return nil
}

// confirmDelete asks: y/N for a disable, the typed name for a permanent
// delete. --yes answers for a script, and says what it is doing.
func (r *run) confirmDelete(d *apiclient.DataSource, label string, o deleteOptions) error {
	if o.yes {
		if o.permanent {
			fmt.Fprintf(r.io.Err, "Deleting %s permanently.\n", label)
		} else {
			fmt.Fprintf(r.io.Err, "Disabling %s (soft delete).\n", label)
		}
		return nil
	}
	if !r.interactive() {
		return fmt.Errorf("refusing to delete data source %d: stdin is not a terminal, so nobody can confirm; pass --yes", o.id)
	}
	if o.permanent {
		got, err := r.readLine("Delete " + label + " permanently? This cannot be undone.\nType the data source name to confirm: ")
		if err != nil {
			return err
		}
		got = strings.TrimSpace(got)
		if got == "" || (got != d.Name && got != safe.Line(d.Name)) {
			return errors.New("cancelled: the name did not match")
		}
		return nil
	}
	got, err := r.readLine("Disable " + label + " (soft delete)? [y/N] ")
	if err != nil {
		return err
	}
	if a := strings.ToLower(strings.TrimSpace(got)); a != "y" && a != "yes" {
		return errors.New("cancelled")
	}
	return nil
}

// uncertainError is a write whose answer was lost: the server may or may
// not have carried it out.
type uncertainError struct {
	msg   string
	cause error
}

func (e *uncertainError) Error() string { return e.msg }
func (e *uncertainError) Unwrap() error { return e.cause }

// deleteFailed words a DELETE that got no usable answer (see writeFailed).
func (r *run) deleteFailed(err error, label string, o deleteOptions) error {
	done := "disabled " + label
	if o.permanent {
		done = "deleted " + label
	}
	return r.writeFailed(notFound(err, "data source %d", o.id), done, fmt.Sprintf("dsbrowse get %d", o.id))
}

// deleteDone tells what the DELETE did, from the server's answer (res, nil
// when it was empty: emptyErr) and a read afterwards: a 404 means the source
// is gone for good, whatever was asked. It never reports a disable that
// neither shows.
func (r *run) deleteDone(res *apiclient.DeleteResult, emptyErr error, label string, o deleteOptions) error {
	call := fmt.Sprintf("DELETE /dataSource/%d", o.id)
	said := res.Outcome() // DeleteUnknown for nil
	if res != nil {
		if res.HandlerDeleteErrorMessage != "" {
			fmt.Fprintln(r.io.Err, "warning: the handler reported: "+safe.Line(res.HandlerDeleteErrorMessage))
		}
		if res.ID != 0 && res.ID != o.id {
			fmt.Fprintf(r.io.Err, "warning: the server's answer to %s names data source %d\n", call, res.ID)
		}
	}
	report := r.io.Out
	if o.asJSON {
		if res != nil {
			raw, err := serverJSON(call, res.Raw)
			if err == nil {
				err = writeJSON(r.io.Out, raw)
			}
			if err != nil {
				return err
			}
		}
		report = r.io.Err // stdout holds only the server's JSON
	}

	gone, state, readErr := false, "", error(nil)
	if said != apiclient.DeletePermanent {
		d, err := r.env.Client.GetDataSource(r.ctx, o.id)
		switch {
		case errors.Is(err, apiclient.ErrNotFound):
			gone = true
		case err != nil:
			readErr = err
		case d == nil || d.ID != o.id:
			readErr = fmt.Errorf("GET /dataSource/%d did not answer with that source", o.id)
		case d.IsDisabled():
			state = "disabled"
		default:
			state = "active"
		}
	}
	var outcome error
	switch {
	case said == apiclient.DeletePermanent || gone:
		if o.permanent {
			fmt.Fprintf(report, "Deleted %s permanently.\n", label)
		} else {
			fmt.Fprintf(report, "Permanently deleted by the server: %s\n", label)
			outcome = fmt.Errorf("asked to disable data source %d, but it is gone for good (it may have been disabled by someone else after it was read)", o.id)
		}
	case o.permanent && state != "":
		outcome = fmt.Errorf("the server accepted %s, but %s is still there (%s)", call, label, state)
	case o.permanent:
		outcome = &uncertainError{msg: fmt.Sprintf("the server accepted %s without saying it deleted %s, and reading it back failed (%s); check with: dsbrowse get %d",
			call, label, describe(readErr, r.env.Target.TenantURL), o.id), cause: readErr}
	case state == "disabled":
		fmt.Fprintf(report, "Disabled %s. Undo with: dsbrowse restore %d\n", label, o.id)
	case said == apiclient.DeleteDisabled:
		fmt.Fprintf(report, "Disabled %s (the server's answer). Undo with: dsbrowse restore %d\n", label, o.id)
		if state == "active" {
			fmt.Fprintf(r.io.Err, "warning: reading data source %d back shows it active (someone may have restored it)\n", o.id)
		} else {
			fmt.Fprintf(r.io.Err, "warning: could not read data source %d back: %s\n", o.id, describe(readErr, r.env.Target.TenantURL))
		}
	case state == "active":
		outcome = fmt.Errorf("the server accepted %s, but %s is still active", call, label)
	default:
		outcome = &uncertainError{msg: fmt.Sprintf("the server accepted %s without saying what it did, and reading it back failed (%s); check with: dsbrowse get %d",
			call, describe(readErr, r.env.Target.TenantURL), o.id), cause: readErr}
	}
	if outcome == nil && o.asJSON && emptyErr != nil {
		outcome = emptyErr // --json prints what the server sent, or fails
	}
	return outcome
}
