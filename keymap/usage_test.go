package keymap

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// fileScopes says where the code of each file runs, for the check below:
// the longest matching path prefix wins. A binding a file uses must be
// active in (at least one of) the file's scopes, or an override could
// give it a key that another binding there already has, unseen.
var fileScopes = map[string]Scope{
	"ui/tui/":                    Screens | CommandLine,          // global keys, the ? help, the command line
	"views/sources/":             List | ColumnMenu | FilterLine, // model.go draws the column menu help
	"views/sources/colchoice.go": ColumnMenu,
	"views/detail/":              Detail | FilterLine,
	"views/access/":              Access | MemberMenu | FilterLine,
	"views/access/user.go":       Report,
	"views/reportpage/":          Report,
	"views/visibility/":          Report,
	"views/pager/":               Detail | Report,
	"views/table/":               Screens | FilterLine,
	"views/filtered/":            Access | Inbox | Columns | RequestLog | FilterLine,
	"views/requests/":            Inbox | FilterLine,
	"views/columns/":             Columns | FilterLine,
	"views/requestlog/":          RequestLog | FilterLine,
	"views/actions/":             Dialog | FormField,
	"views/s3form/":              S3Form | FormField,
	"views/fileform/":            FileForm | FormField,
	"views/accessreport/":        FileForm | FormField,
	"views/clip/":                CopyMenu,
	"views/cmdline/":             CommandLine,
}

func scopeOf(path string) (Scope, bool) {
	best := ""
	for p := range fileScopes {
		if strings.HasPrefix(path, p) && len(p) > len(best) {
			best = p
		}
	}
	s, ok := fileScopes[best]
	return s, ok
}

// Every binding is declared active where the views use it: the scopes in
// the table are read off the code (k.X, keys.X, sess.Keys.X in views and
// ui), so a binding put to use in a new place fails here until its scope
// says so.
func TestScopesCoverEveryUse(t *testing.T) {
	fields := map[string]action{}
	kt := reflect.TypeOf(KeyMap{})
	var k KeyMap
	for _, a := range actions {
		p := a.field(&k)
		for i := 0; i < kt.NumField(); i++ {
			if reflect.ValueOf(&k).Elem().Field(i).Addr().Interface() == p {
				fields[kt.Field(i).Name] = a
			}
		}
	}
	if len(fields) != len(actions) || len(actions) != kt.NumField() {
		t.Fatalf("%d fields, %d actions, %d named: every KeyMap field is one action", kt.NumField(), len(actions), len(fields))
	}
	root := ".."
	uses := 0
	for _, dir := range []string{"views", "ui"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				return nil // a file mid-edit by someone else: the build reports it
			}
			var found []string
			mention := map[ast.Node]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if sel.Sel.Name == "Help" {
					// k.X.Help().Key names the key in a sentence ("subscribing
					// again (s)"): a mention, not a use where the text shows.
					mention[sel.X] = true
				}
				if _, ok := fields[sel.Sel.Name]; !ok || !keyMapExpr(sel.X) || mention[sel] {
					return true
				}
				found = append(found, sel.Sel.Name)
				return true
			})
			if len(found) == 0 {
				return nil
			}
			in, ok := scopeOf(rel)
			if !ok {
				t.Errorf("%s uses bindings (%s) but fileScopes does not say where it runs", rel, strings.Join(found, ", "))
				return nil
			}
			sort.Strings(found)
			for i, name := range found {
				if i > 0 && found[i-1] == name {
					continue
				}
				uses++
				if a := fields[name]; a.in&in == 0 {
					t.Errorf("%s uses %s (%s) but %s is not active in %s: add the scope in keymap's table", rel, name, a.name, a.name, in)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if uses < 100 {
		t.Errorf("only %d uses found: is the tree where the test looks?", uses)
	}
}

// keyMapExpr reports whether x names a KeyMap: k, keys, km, or
// something.Keys (sess.Keys, m.sess.Keys).
func keyMapExpr(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name == "k" || x.Name == "keys" || x.Name == "km"
	case *ast.SelectorExpr:
		return x.Sel.Name == "Keys" || x.Sel.Name == "keys"
	case *ast.StarExpr:
		return keyMapExpr(x.X)
	case *ast.ParenExpr:
		return keyMapExpr(x.X)
	}
	return false
}
