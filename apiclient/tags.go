package apiclient

// Tags and the data dictionary (shared/immuta-api-v1.md, "Tags" and "Data
// dictionary"): a source's tags, adding and removing them, and its columns.
// The two writes go through Client.do, the once-only path; arguments are
// checked first and a refused write matches ErrNotSent.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxTagName is the longest tag name the API takes (Tag.name ≤500).
const MaxTagName = 500

// TagContext is how a tag was applied (sdd, catalog, manual, ...), read
// from the tag's object; "" for a tag sent as a bare string.
func (t Tag) TagContext() string { return t.field("context") }

// TagSource is what created the tag (a catalog, a user); "" when unknown.
func (t Tag) TagSource() string { return t.field("source") }

// field reads one string field of the tag's object, leniently.
func (t Tag) field(name string) string {
	raw := bytes.TrimSpace(t.Raw)
	if len(raw) == 0 || raw[0] != '{' {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(m[name], &s) != nil {
		return ""
	}
	return s
}

// Has reports whether a tag named name is in t.
func (t Tags) Has(name string) bool {
	return slices.ContainsFunc(t, func(x Tag) bool { return x.Name == name })
}

// SourceTags is the answer of GET /dataSource/{id}/tags. The doc leaves it
// untyped: {"tags":[...]} and a bare list are both read, each tag a string
// or an object with a name.
type SourceTags struct {
	Tags Tags
	Raw  json.RawMessage
}

// UnmarshalJSON reads either shape. An object without a tags list is an
// error: reading it as "no tags" would mislead.
func (s *SourceTags) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s.Raw = append(json.RawMessage(nil), b...)
	list := b
	if len(b) > 0 && b[0] == '{' {
		var env struct {
			Tags json.RawMessage `json:"tags"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			return err
		}
		list = bytes.TrimSpace(env.Tags)
		if len(list) == 0 {
			return errors.New("the answer has no tags list")
		}
	}
	switch {
	case bytes.Equal(list, []byte("null")):
		s.Tags = Tags{}
		return nil
	case len(list) == 0 || list[0] != '[':
		return fmt.Errorf("tags is %s, not a list", jsonKind(list[0]))
	}
	if err := s.Tags.UnmarshalJSON(list); err != nil {
		return err
	}
	if s.Tags == nil {
		s.Tags = Tags{}
	}
	return nil
}

func (s SourceTags) MarshalJSON() ([]byte, error) {
	return rawOrEncode(s.Raw, func() any { return map[string]any{"tags": s.Tags.Names()} })
}

// MarshalJSON writes the tag as the server sent it (a string or an object).
func (t Tag) MarshalJSON() ([]byte, error) {
	return rawOrEncode(t.Raw, func() any { return map[string]string{"name": t.Name} })
}

// ListSourceTags fetches the tags of source id.
func (c *Client) ListSourceTags(ctx context.Context, id int64) (*SourceTags, error) {
	path := fmt.Sprintf("/dataSource/%d/tags", id)
	if id <= 0 {
		return nil, fmt.Errorf("GET %s: source id %d is not a source id", path, id)
	}
	var out SourceTags
	if err := c.do(ctx, request{method: http.MethodGet, path: path, accept: "{["}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Column is one entry of a data dictionary (V1 "Column").
type Column struct {
	Name         string `json:"name"`
	DataType     string `json:"dataType"`
	RemoteType   string `json:"remoteType"`
	Nullable     *bool  `json:"nullable"` // nil: not sent (the API's default is true)
	IsPrimaryKey bool   `json:"isPrimaryKey"`
	Description  string `json:"description"`
	DisplayName  string `json:"displayName"`
	RemoteColumn string `json:"remoteColumn"`
	ParentID     int64  `json:"parentId"`
	Tags         Tags   `json:"tags"` // ColumnTag: objects with a name, strings tolerated

	Raw json.RawMessage `json:"-"`
}

// IsNullable is nullable as the API reads it: true unless sent false.
func (c Column) IsNullable() bool { return c.Nullable == nil || *c.Nullable }

func (c *Column) UnmarshalJSON(b []byte) error {
	type plain Column
	if err := lenient(b, (*plain)(c), &c.Raw); err != nil {
		return err
	}
	flexIDs(b, map[string]*int64{"parentId": &c.ParentID})
	// A deleted column tag is no longer on the column.
	c.Tags = slices.DeleteFunc(c.Tags, func(t Tag) bool { return t.deleted() })
	return nil
}

func (c Column) MarshalJSON() ([]byte, error) {
	return rawOrEncode(c.Raw, func() any { type plain Column; return plain(c) })
}

func (t Tag) deleted() bool {
	raw := bytes.TrimSpace(t.Raw)
	if len(raw) == 0 || raw[0] != '{' {
		return false
	}
	var o struct {
		Deleted bool `json:"deleted"`
	}
	_ = json.Unmarshal(raw, &o)
	return o.Deleted
}

// Dictionary is the answer of GET /dictionary/{id}: the source's columns
// are its metadata list.
type Dictionary struct {
	ID         int64    `json:"id"`
	DataSource int64    `json:"dataSource"`
	Columns    []Column `json:"metadata"`
	Types      []string `json:"types"`
	CreatedAt  string   `json:"createdAt"`
	UpdatedAt  string   `json:"updatedAt"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON is lenient about every field but metadata: a metadata that
// is not a list is an error (read as "no columns" it would mislead).
// Entries that are not objects are dropped.
func (d *Dictionary) UnmarshalJSON(b []byte) error {
	var env struct {
		Metadata json.RawMessage `json:"metadata"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	type plain Dictionary
	var p struct {
		plain
		Columns json.RawMessage `json:"metadata"` // shadows plain's: read below
	}
	if err := lenient(b, &p, nil); err != nil {
		return err
	}
	*d = Dictionary(p.plain)
	d.Raw = append(json.RawMessage(nil), b...)
	flexIDs(b, map[string]*int64{"id": &d.ID, "dataSource": &d.DataSource})
	m := bytes.TrimSpace(env.Metadata)
	switch {
	case len(m) == 0 || bytes.Equal(m, []byte("null")):
		d.Columns = []Column{}
		return nil
	case m[0] != '[':
		return fmt.Errorf("metadata is %s, not a list", jsonKind(m[0]))
	}
	var items []json.RawMessage
	if err := json.Unmarshal(m, &items); err != nil {
		return err
	}
	d.Columns = make([]Column, 0, len(items))
	for _, it := range items {
		it = bytes.TrimSpace(it)
		if len(it) == 0 || it[0] != '{' {
			continue
		}
		var col Column
		if err := col.UnmarshalJSON(it); err == nil {
			d.Columns = append(d.Columns, col)
		}
	}
	return nil
}

func (d Dictionary) MarshalJSON() ([]byte, error) {
	return rawOrEncode(d.Raw, func() any { type plain Dictionary; return plain(d) })
}

// GetDictionary fetches the data dictionary (the columns) of source id.
func (c *Client) GetDictionary(ctx context.Context, id int64) (*Dictionary, error) {
	path := fmt.Sprintf("/dictionary/%d", id)
	if id <= 0 {
		return nil, fmt.Errorf("GET %s: source id %d is not a source id", path, id)
	}
	var out Dictionary
	if err := c.get(ctx, path, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckTagName says what is wrong with a tag name a user typed, before
// anything is sent: empty, too long, or holding control characters.
func CheckTagName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("a tag name is needed")
	case name != strings.TrimSpace(name):
		return fmt.Errorf("tag %q starts or ends with spaces", clip(printable(name)))
	case !utf8.ValidString(name):
		return errors.New("the tag name is not valid UTF-8")
	case utf8.RuneCountInString(name) > MaxTagName:
		return fmt.Errorf("tag %q is longer than %d characters", clip(name), MaxTagName)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("tag %q holds control characters", clip(printable(name)))
	}
	return nil
}

// TagsAdded is the answer of POST /tag/datasource/{id}: the tags the
// server says the source now has from this call ([Tag]). Known is false
// when the server answered with an empty body (it did not say).
type TagsAdded struct {
	Tags  Tags
	Known bool
	Raw   json.RawMessage
}

func (t TagsAdded) MarshalJSON() ([]byte, error) {
	if len(t.Raw) == 0 {
		return []byte("null"), nil
	}
	return t.Raw, nil
}

// AddSourceTags adds tags to source id in one POST /tag/datasource/{id}
// with the body [{"name":...}]. It is sent at most once.
func (c *Client) AddSourceTags(ctx context.Context, id int64, names []string) (*TagsAdded, error) {
	path := fmt.Sprintf("/tag/datasource/%d", id)
	if id <= 0 {
		return nil, notSent(http.MethodPost, path, fmt.Errorf("source id %d is not a source id", id))
	}
	if len(names) == 0 {
		return nil, notSent(http.MethodPost, path, errors.New("no tags to add"))
	}
	body := make([]map[string]string, 0, len(names))
	for i, n := range names {
		if err := CheckTagName(n); err != nil {
			return nil, notSent(http.MethodPost, path, err)
		}
		if slices.Contains(names[:i], n) {
			return nil, notSent(http.MethodPost, path, fmt.Errorf("tag %q is listed twice", clip(n)))
		}
		body = append(body, map[string]string{"name": n})
	}
	w, err := c.write(ctx, http.MethodPost, path, body)
	if err != nil {
		return nil, err
	}
	out := &TagsAdded{Raw: w.Raw}
	if len(w.Raw) > 0 {
		var st SourceTags
		if json.Unmarshal(w.Raw, &st) == nil {
			out.Tags, out.Known = st.Tags, true
		}
	}
	return out, nil
}

// RemoveSourceTag removes one tag from source id with
// DELETE /tag/datasource/{id}/{tag}, the name path-escaped. It is sent at
// most once; the answer is untyped.
func (c *Client) RemoveSourceTag(ctx context.Context, id int64, tag string) (*WriteAnswer, error) {
	path := fmt.Sprintf("/tag/datasource/%d/%s", id, url.PathEscape(tag))
	if id <= 0 {
		return nil, notSent(http.MethodDelete, path, fmt.Errorf("source id %d is not a source id", id))
	}
	if err := CheckTagName(tag); err != nil {
		return nil, notSent(http.MethodDelete, path, err)
	}
	return c.write(ctx, http.MethodDelete, path, nil)
}
