package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// memberFilters are the access-list filters access and access-report share.
type memberFilters struct {
	states, types      strList
	expand             bool
	pending, approvedF bool
}

func (m *memberFilters) register(fs *flag.FlagSet) {
	fs.Var(&m.states, "state", "only members with this access `STATE`: "+strings.Join(memberStates, ", ")+" (repeat for several)")
	fs.Var(&m.types, "type", "only members of this `TYPE`: user, group, policy (repeat for several)")
	fs.BoolVar(&m.expand, "expand-groups", false, "list the members of groups one by one")
	fs.BoolVar(&m.pending, "pending", false, "only entries waiting for approval (approved=false)")
	fs.BoolVar(&m.approvedF, "approved", false, "only approved entries (approved=true)")
}

// options checks the flags and sets them on o.
func (m *memberFilters) options(cmd string, o *apiclient.AccessOptions) error {
	for _, st := range m.states {
		// Pending is not a state on the server but approved=false: say
		// where it is rather than list the states.
		if st == "pending" {
			return usagef(cmd, "--state %q: pending is not an access state; use --pending (or --approved)", st)
		}
	}
	if err := oneOf(cmd, "--state", m.states, memberStates...); err != nil {
		return err
	}
	if err := oneOf(cmd, "--type", m.types, memberTypes...); err != nil {
		return err
	}
	o.States, o.MemberTypes, o.ExpandGroups = m.states, m.types, m.expand
	switch {
	case m.pending && m.approvedF:
		return usagef(cmd, "--pending and --approved: give one of them")
	case m.pending:
		o.Approved = new(false)
	case m.approvedF:
		o.Approved = new(true)
	}
	return nil
}

var accessCommand = &command{
	name:    "access",
	args:    "ID [--state S]... [--type user|group|policy]... [--pending|--approved] [--expand-groups] [--search TEXT] [--sort FIELD] [--desc] [--limit N] [--json] [--wide]",
	summary: "list the users and groups with access to a data source",
	detail: `Repeat --state or --type to match any of their values. --pending lists
only the entries waiting for approval, --approved only the approved ones.
ACCESS_ID is what
dsbrowse access set and dsbrowse revoke take. Pages are fetched and printed
like ls's (see dsbrowse ls --help): in order as they come, the table's
columns sized from the first page unless --wide is given.

Verbs:
  access set   change a member's access level or expiry (dsbrowse access set --help)
  access add   give a user or a group access (dsbrowse access add --help)`,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var limit int
		var asJSON, wide, desc bool
		var mf memberFilters
		var o apiclient.AccessOptions
		mf.register(fs)
		fs.StringVar(&o.SearchText, "search", "", "only members whose name or email contains `TEXT`")
		fs.StringVar(&o.SortField, "sort", "", "sort by `FIELD` on the server: "+strings.Join(accessSorts, ", "))
		fs.BoolVar(&desc, "desc", false, "sort descending")
		fs.IntVar(&limit, "limit", 0, "stop after `N` entries (0: all)")
		fs.BoolVar(&asJSON, "json", false, "print JSON (an array)")
		fs.BoolVar(&wide, "wide", false, "wait for every page, then size the columns to fit")
		return func(r *run, args []string) error {
			if err := wantArgs("access", args, 1, "ID (or a verb: set, add)"); err != nil {
				return err
			}
			id, err := parseID("access", "ID", args[0])
			if err != nil {
				return err
			}
			if limit < 0 {
				return usagef("access", "--limit must not be negative")
			}
			if err := mf.options("access", &o); err != nil {
				return err
			}
			if o.SortField != "" {
				if err := oneOf("access", "--sort", []string{o.SortField}, accessSorts...); err != nil {
					return err
				}
			}
			// The server sorts descending unless told otherwise.
			if desc {
				o.SortOrder = "desc"
			} else if o.SortField != "" {
				o.SortOrder = "asc"
			}
			listed, err := stream(r, listing[apiclient.AccessUser]{
				fetch: func(ctx context.Context, offset, size int) ([]apiclient.AccessUser, int, error) {
					o := o
					o.Offset, o.Size = offset, size
					p, err := r.env.Client.ListAccess(ctx, id, o)
					if err != nil {
						return nil, 0, notFound(err, "data source %d", id)
					}
					return p.Users, p.Count, nil
				},
				raw:  func(u *apiclient.AccessUser) json.RawMessage { return u.Raw },
				path: fmt.Sprintf("/dataSource/%d/access", id),
				cols: []column{{title: "ACCESS_ID", min: 6, keep: true}, {title: "ID", min: 4, keep: true}, {title: "NAME"}, {title: "TYPE"},
					{title: "STATE"}, {title: "APPROVED", min: len("yes")}, {title: "EXPIRES"}, {title: "EMAIL"}, {title: "SINCE"}},
				cells: func(u *apiclient.AccessUser) []string {
					m := memberOf(u)
					typ := u.Type
					if m.via != "" {
						typ += " via " + m.via
					}
					return []string{idOrDash(u.SubscriptionID), strconv.FormatInt(m.id, 10), u.Name, typ, u.State,
						yesNo(u.Approved), m.expiration, u.Email, u.CreatedAt}
				},
			}, limit, asJSON, wide)
			if err == nil && !listed && !asJSON {
				if len(o.States)+len(o.MemberTypes) == 0 && o.SearchText == "" {
					fmt.Fprintf(r.io.Err, "nobody has access to data source %d\n", id)
				} else {
					fmt.Fprintf(r.io.Err, "no members of data source %d match\n", id)
				}
			}
			return err
		}
	},
}
