package apiclient_test

// Tags and the data dictionary against a recording httptest server: the
// requests sent (method, escaped path, JSON body), the untyped tags answer
// read in each shape, the dictionary's columns, writes refused before
// sending or sent once.

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

func TestListSourceTagsShapes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
		want       []string
		ctx        string // the first tag's context
	}{
		{"envelope of objects", `{"tags":[{"name":"PII.Email","context":"manual","source":"curated","extra":1},{"name":"Finance"}]}`,
			[]string{"PII.Email", "Finance"}, "manual"},
		{"bare list of objects", `[{"name":"PII.Email","context":"sdd"}]`, []string{"PII.Email"}, "sdd"},
		{"bare list of strings", `["PII","Discovered.Name"]`, []string{"PII", "Discovered.Name"}, ""},
		{"envelope of strings, odd items skipped", `{"tags":["PII",7,null,{"nome":"x"},{"name":"Ok"}]}`, []string{"PII", "Ok"}, ""},
		{"null tags", `{"tags":null}`, []string{}, ""},
		{"empty list", `[]`, []string{}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := route(t, "GET", "/dataSource/22/tags", nil, 200, []byte(c.body))
			got, err := newClient(t, s).ListSourceTags(context.Background(), 22)
			if err != nil {
				t.Fatal(err)
			}
			if names := got.Tags.Names(); !reflect.DeepEqual(names, c.want) {
				t.Errorf("names = %q, want %q", names, c.want)
			}
			if len(got.Tags) > 0 && got.Tags[0].TagContext() != c.ctx {
				t.Errorf("context = %q, want %q", got.Tags[0].TagContext(), c.ctx)
			}
			if out, _ := got.MarshalJSON(); string(out) != c.body {
				t.Errorf("--json = %s, want the answer as sent %s", out, c.body)
			}
		})
	}
}

func TestListSourceTagsRefusesWrongShapes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"count":3}`, `{"tags":"PII"}`, `"PII"`, `null`, ``} {
		s := answer(t, 200, body)
		_, err := newClient(t, s).ListSourceTags(context.Background(), 22)
		if !errors.Is(err, apiclient.ErrMalformed) {
			t.Errorf("%q: err = %v, want ErrMalformed (never read as no tags)", body, err)
		}
	}
}

const dictionaryBody = `{"id":5,"dataSource":22,"types":["text","integer"],"createdAt":"2026-01-01T00:00:00Z","metadata":[
 {"name":"email","dataType":"text","remoteType":"character varying","nullable":false,"isPrimaryKey":false,
  "description":"work email","tags":[{"name":"PII.Email","source":"curated","context":"manual"},{"name":"Gone","deleted":true}]},
 {"name":"id","dataType":"integer","remoteType":"integer","isPrimaryKey":true,"tags":["Key"]},
 {"name":"odd","dataType":7,"nullable":"yes","parentId":"3"},
 "not a column"
]}`

func TestGetDictionaryColumns(t *testing.T) {
	t.Parallel()
	s := route(t, "GET", "/dictionary/22", nil, 200, []byte(dictionaryBody))
	d, err := newClient(t, s).GetDictionary(context.Background(), 22)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != 5 || d.DataSource != 22 || len(d.Types) != 2 {
		t.Errorf("dictionary = %+v", d)
	}
	if len(d.Columns) != 3 {
		t.Fatalf("%d columns, want 3 (a non-object entry dropped)", len(d.Columns))
	}
	email, id, odd := d.Columns[0], d.Columns[1], d.Columns[2]
	if email.Name != "email" || email.DataType != "text" || email.RemoteType != "character varying" ||
		email.IsNullable() || email.Description != "work email" {
		t.Errorf("email = %+v", email)
	}
	if got := email.Tags.Names(); !reflect.DeepEqual(got, []string{"PII.Email"}) {
		t.Errorf("email tags = %q, want PII.Email only (a deleted tag is not on the column)", got)
	}
	if !id.IsPrimaryKey || !id.IsNullable() || !reflect.DeepEqual(id.Tags.Names(), []string{"Key"}) {
		t.Errorf("id = %+v: nullable by default, string tags read", id)
	}
	if odd.Name != "odd" || odd.DataType != "" || !odd.IsNullable() || odd.ParentID != 3 {
		t.Errorf("odd = %+v: wrong types left at their zero, the column kept", odd)
	}
	checkRaw(t, "column", email.Raw, []byte(dictionaryBody), email.MarshalJSON)
	if out, _ := d.MarshalJSON(); string(out) != dictionaryBody {
		t.Errorf("--json loses the answer: %s", out)
	}
}

func TestGetDictionaryRefusesMetadataNotAList(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"metadata":{"name":"x"}}`, `{"metadata":"email"}`, `[]`} {
		s := answer(t, 200, body)
		_, err := newClient(t, s).GetDictionary(context.Background(), 22)
		if !errors.Is(err, apiclient.ErrMalformed) {
			t.Errorf("%q: err = %v, want ErrMalformed", body, err)
		}
	}
	s := answer(t, 200, `{"id":1}`)
	d, err := newClient(t, s).GetDictionary(context.Background(), 22)
	if err != nil || d.Columns == nil || len(d.Columns) != 0 {
		t.Errorf("no metadata: %+v, %v; want an empty dictionary", d, err)
	}
}

func TestAddSourceTagsWire(t *testing.T) {
	t.Parallel()
	s := route(t, "POST", "/tag/datasource/22", nil, 200, []byte(`[{"name":"PII.Email","id":9,"context":"manual"},{"name":"Finance"}]`))
	got, err := newClient(t, s).AddSourceTags(context.Background(), 22, []string{"PII.Email", "Finance"})
	if err != nil {
		t.Fatal(err)
	}
	h := onlyHit(t, s)
	if !sameJSON(t, h.Body, []byte(`[{"name":"PII.Email"},{"name":"Finance"}]`)) {
		t.Errorf("body = %s, want the doc's [{\"name\":...}]", h.Body)
	}
	if h.Header.Get("Content-Type") != "application/json" {
		t.Errorf("content type = %q", h.Header.Get("Content-Type"))
	}
	if !got.Known || !reflect.DeepEqual(got.Tags.Names(), []string{"PII.Email", "Finance"}) {
		t.Errorf("answer = %+v, want the tags the server listed", got)
	}
}

func TestAddSourceTagsEmptyAnswerIsUnknown(t *testing.T) {
	t.Parallel()
	s := answer(t, 200, "")
	got, err := newClient(t, s).AddSourceTags(context.Background(), 22, []string{"PII"})
	if err != nil || got.Known {
		t.Errorf("empty answer: %+v, %v; want success that does not claim which tags", got, err)
	}
}

func TestRemoveSourceTagEscapesTheName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ tag, path string }{
		{"PII.Email", "/tag/datasource/22/PII.Email"},
		{"a/b c?d#e%", "/tag/datasource/22/a%2Fb%20c%3Fd%23e%25"},
	} {
		s := route(t, "DELETE", c.path, nil, 200, []byte(`"ok"`))
		if _, err := newClient(t, s).RemoveSourceTag(context.Background(), 22, c.tag); err != nil {
			t.Errorf("%q: %v", c.tag, err)
		}
		if n := s.countPath("DELETE", c.path); n != 1 {
			t.Errorf("%q: sent %d times, want once", c.tag, n)
		}
	}
}

func TestTagWritesRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	s := answer(t, 200, `[]`)
	c := newClient(t, s)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"no tags":        func() error { _, err := c.AddSourceTags(ctx, 22, nil); return err },
		"empty name":     func() error { _, err := c.AddSourceTags(ctx, 22, []string{" "}); return err },
		"twice":          func() error { _, err := c.AddSourceTags(ctx, 22, []string{"PII", "PII"}); return err },
		"too long":       func() error { _, err := c.AddSourceTags(ctx, 22, []string{strings.Repeat("x", 501)}); return err },
		"control":        func() error { _, err := c.AddSourceTags(ctx, 22, []string{"a\x1b[31m"}); return err },
		"bad id":         func() error { _, err := c.AddSourceTags(ctx, 0, []string{"PII"}); return err },
		"remove empty":   func() error { _, err := c.RemoveSourceTag(ctx, 22, ""); return err },
		"remove bad id":  func() error { _, err := c.RemoveSourceTag(ctx, -1, "PII"); return err },
		"padded":         func() error { _, err := c.AddSourceTags(ctx, 22, []string{" PII"}); return err },
		"remove control": func() error { _, err := c.RemoveSourceTag(ctx, 22, "a\nb"); return err },
	} {
		if err := call(); !errors.Is(err, apiclient.ErrNotSent) {
			t.Errorf("%s: err = %v, want ErrNotSent", name, err)
		}
	}
	if n := s.count(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
	ro := newClient(t, s, apiclient.WithReadOnly(true))
	if _, err := ro.AddSourceTags(ctx, 22, []string{"PII"}); !errors.Is(err, apiclient.ErrReadOnly) {
		t.Errorf("read-only add: %v", err)
	}
	if _, err := ro.RemoveSourceTag(ctx, 22, "PII"); !errors.Is(err, apiclient.ErrReadOnly) {
		t.Errorf("read-only remove: %v", err)
	}
	if n := s.count(); n != 0 {
		t.Errorf("read-only sent %d requests", n)
	}
}

func TestTagReadsRetryButWritesDoNot(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			reply(w, 503, nil)
			return
		}
		reply(w, 200, []byte(`{"tags":["PII"]}`))
	})
	got, err := newClient(t, s).ListSourceTags(context.Background(), 22)
	if err != nil || got.Tags.Names()[0] != "PII" || s.count() != 2 {
		t.Errorf("read after a 503: %v, %v, %d requests; want retried once", got, err, s.count())
	}
}
