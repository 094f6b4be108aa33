package config

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/cmdline"
)

// fileView is one [views.NAME] table: saved server filters and a sort,
// opened in the TUI with :NAME.
type fileView struct {
	Status       strOrList `toml:"status"`
	Subscription strOrList `toml:"subscription"`
	Tag          strOrList `toml:"tag"`
	Handler      strOrList `toml:"handler"`
	Schema       string    `toml:"schema"`
	Search       string    `toml:"search"`
	Sort         string    `toml:"sort"`
	Order        string    `toml:"order"`
}

// strOrList is a string or a list of strings, none of them empty.
type strOrList []string

func (l *strOrList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return valueErr("cannot be empty")
		}
		*l = strOrList{strings.TrimSpace(v)}
		return nil
	case []any:
		out := make(strOrList, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return valueErr("want a string or a list of strings, not a list holding %s", tomlKind(e))
			}
			if strings.TrimSpace(s) == "" {
				return valueErr("cannot hold an empty string")
			}
			out = append(out, strings.TrimSpace(s))
		}
		*l = out
		return nil
	}
	return valueErr("want a string or a list of strings, not %s", tomlKind(v))
}

// viewName is what a saved view may be called: one word the command line
// can take.
var viewName = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// parseViews checks the [views.NAME] tables, in file order, and turns
// them into GET /dataSource's filters.
func parseViews(data []byte, in map[string]fileView) (map[string]apiclient.ListOptions, error) {
	out := make(map[string]apiclient.ListOptions, len(in))
	names := make([]string, 0, len(in))
	for n := range in {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return findLine(data, toml.Key{"views", names[i]}) < findLine(data, toml.Key{"views", names[j]})
	})
	for _, name := range names {
		v := in[name]
		at := func(k ...string) int { return findLine(data, append(toml.Key{"views", name}, k...)) }
		switch {
		case !viewName.MatchString(name):
			return nil, lineErr(at(), "view %q: a view name is lower-case letters, digits, - and _ (it is typed as :NAME)", name)
		case cmdline.IsBuiltin(name):
			return nil, lineErr(at(), "view %q: the name is a built-in command (%s)", name, strings.Join(cmdline.Builtins(), ", "))
		}
		for _, s := range v.Status {
			if !slices.Contains([]string{"passed", "failed"}, s) {
				return nil, lineErr(at("status"), "view %q: status %q: use passed or failed", name, s)
			}
		}
		for _, s := range v.Subscription {
			if !slices.Contains(apiclient.SubscriptionStates, s) {
				return nil, lineErr(at("subscription"), "view %q: subscription %q: use %s", name, s, strings.Join(apiclient.SubscriptionStates, ", "))
			}
		}
		if v.Sort != "" && !slices.Contains(apiclient.DataSourceSortFields, v.Sort) {
			return nil, lineErr(at("sort"), "view %q: sort %q: use %s", name, v.Sort, strings.Join(apiclient.DataSourceSortFields, ", "))
		}
		if v.Order != "" && v.Order != "asc" && v.Order != "desc" {
			return nil, lineErr(at("order"), "view %q: order %q: use asc or desc", name, v.Order)
		}
		o := apiclient.ListOptions{
			Status: uniq(v.Status), Subscription: uniq(v.Subscription), Tag: []string(v.Tag),
			BlobHandlerType: uniq(v.Handler), Schema: strings.TrimSpace(v.Schema),
			SearchText: strings.TrimSpace(v.Search), SortField: v.Sort, SortOrder: v.Order,
		}
		if o.SortField != "" && o.SortOrder == "" {
			o.SortOrder = "asc"
		}
		out[name] = o
	}
	return out, nil
}

// uniq drops repeated values: the server wants these lists unique.
func uniq(vs []string) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// ViewNames lists the saved views, sorted.
func (c *Config) ViewNames() []string {
	names := make([]string, 0, len(c.Views))
	for n := range c.Views {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
