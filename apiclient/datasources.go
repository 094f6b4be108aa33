package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// DefaultPageSize is the page size used when none is given.
const DefaultPageSize = 100

// ListOptions are the query parameters of GET /dataSource. Zero values are
// left out; the repeatable filters send one parameter per value.
type ListOptions struct {
	Size             int
	Offset           int
	SearchText       string
	NameOnly         bool
	Subscription     []string // pending|owner|subscribed|not_subscribed|expert|ingest
	Status           []string // no enum declared (passed|failed seen)
	Tag              []string // the one filter that may repeat a value
	BlobHandlerType  []string
	ConnectionString []string
	Column           []string
	Schema           string // one value: the description declares a str, not an array
	SortField        string // one of DataSourceSortFields
	SortOrder        string // asc|desc
}

// DataSourceSortFields are the sortField values GET /dataSource names
// (immuta-api-v1.md; id is not one of them).
var DataSourceSortFields = []string{"createdAt", "name", "blobHandlerType", "subscriptionStatus", "recordCount", "status", "policy", "editable"}

// SubscriptionStates are GET /dataSource's subscription filter values.
var SubscriptionStates = []string{"pending", "owner", "subscribed", "not_subscribed", "expert", "ingest"}

// Values encodes the options as a query string.
func (o ListOptions) Values() url.Values {
	v := url.Values{}
	if o.Size > 0 {
		v.Set("size", strconv.Itoa(o.Size))
	}
	if o.Offset > 0 {
		v.Set("offset", strconv.Itoa(o.Offset))
	}
	if o.SearchText != "" {
		v.Set("searchText", o.SearchText)
	}
	if o.NameOnly {
		v.Set("nameOnly", "true")
	}
	if o.Schema != "" {
		v.Set("schema", o.Schema)
	}
	// The list filters are declared unique (a value sent twice may be
	// refused), except tag, which is sent as given.
	for _, p := range []struct {
		k    string
		vs   []string
		uniq bool
	}{
		{"subscription", o.Subscription, true}, {"status", o.Status, true}, {"tag", o.Tag, false},
		{"blobHandlerType", o.BlobHandlerType, true}, {"connectionString", o.ConnectionString, true},
		{"column", o.Column, true},
	} {
		for i, s := range p.vs {
			if p.uniq && slices.Contains(p.vs[:i], s) {
				continue
			}
			v.Add(p.k, s)
		}
	}
	if o.SortField != "" {
		v.Set("sortField", o.SortField)
	}
	if o.SortOrder != "" {
		v.Set("sortOrder", o.SortOrder)
	}
	return v
}

func withQuery(path string, v url.Values) string {
	if q := v.Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// ListDataSources fetches one page of GET /dataSource. Count is -1 when the
// server sent a bare array (no total).
func (c *Client) ListDataSources(ctx context.Context, o ListOptions) (*DataSourcePage, error) {
	var p DataSourcePage
	r := request{method: http.MethodGet, path: withQuery("/dataSource", o.Values()), accept: "{["}
	if err := c.do(ctx, r, sizedPage{&p, o.Size}); err != nil {
		return nil, err
	}
	return &p, nil
}

// AllDataSources walks every page from offset o.Offset (0 by default),
// stopping at count (or at an empty page) when the server sends one, else at
// a short page. It yields one error and stops when a page fails. Each range
// over the result starts again from o.Offset.
func (c *Client) AllDataSources(ctx context.Context, o ListOptions) iter.Seq2[DataSource, error] {
	return walk(o.Offset, o.Size, "/dataSource", func(offset, size int) ([]DataSource, int, error) {
		o := o
		o.Offset, o.Size = offset, size
		p, err := c.ListDataSources(ctx, o)
		if err != nil {
			return nil, 0, err
		}
		return p.Hits, p.Count, nil
	}, func(d *DataSource) json.RawMessage { return d.Raw })
}

// walk pages through a list from offset, size items at a time. fetch returns
// one page and the total (-1 when unknown). A server that ignores offset and
// sends the same page again would otherwise be walked forever: that ends
// with an ErrMalformed error.
//
// Why this is not apiclient/paging's loader (which every list view, the
// CLI listings and the access report use): these iterators are pulled by
// their consumer one item at a time, and callers that stop early (a lookup
// by name or email, --limit) must not cause a request they never read. The
// loader fetches ahead of its reader by design, so it would send pages
// nobody asked for; this walk asks for the next page only when the
// consumer reaches it.
func walk[T any](offset, size int, path string, fetch func(offset, size int) ([]T, int, error), raw func(*T) json.RawMessage) iter.Seq2[T, error] {
	if size <= 0 {
		size = DefaultPageSize
	}
	offset = max(offset, 0)
	return func(yield func(T, error) bool) {
		var zero T
		var prevFirst json.RawMessage
		for off := offset; ; {
			items, count, err := fetch(off, size)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(items) > 0 {
				first := raw(&items[0])
				if prevFirst != nil && bytes.Equal(first, prevFirst) {
					yield(zero, &DecodeError{Method: http.MethodGet, Path: path,
						Err: fmt.Errorf("the page at offset %d repeats the previous page (the server ignores offset?)", off)})
					return
				}
				prevFirst = first
			}
			for i := range items {
				if !yield(items[i], nil) {
					return
				}
			}
			off += len(items)
			switch {
			case len(items) == 0:
				return
			case count >= 0:
				// Trust the total: a server may send fewer items than asked
				// for (its own page cap) long before the end.
				if off >= count {
					return
				}
			case len(items) < size:
				return
			}
		}
	}
}

// GetDataSource fetches one source by id.
func (c *Client) GetDataSource(ctx context.Context, id int64) (*DataSource, error) {
	var d DataSource
	if err := c.get(ctx, fmt.Sprintf("/dataSource/%d", id), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// GetDataSourceByName fetches one source by its display name.
func (c *Client) GetDataSourceByName(ctx context.Context, name string) (*DataSource, error) {
	var d DataSource
	if err := c.get(ctx, "/dataSource/name/"+url.PathEscape(name), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// GetDataSourceBySQLTable fetches one source by its SQL table name.
func (c *Client) GetDataSourceBySQLTable(ctx context.Context, table string) (*DataSource, error) {
	var d DataSource
	if err := c.get(ctx, "/dataSource/sqlTableName/"+url.PathEscape(table), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// LineageType is parents or children.
type LineageType string

const (
	LineageParents  LineageType = "parents"
	LineageChildren LineageType = "children"
)

// Lineage fetches the parents or children of a derived source.
func (c *Client) Lineage(ctx context.Context, id int64, t LineageType) ([]LineageEntry, error) {
	if t != LineageParents && t != LineageChildren {
		return nil, fmt.Errorf("lineage type must be parents or children, not %q", t)
	}
	var raw json.RawMessage
	path := fmt.Sprintf("/dataSource/%d/lineage/%s", id, t)
	if err := c.do(ctx, request{method: http.MethodGet, path: path, accept: "{["}, &raw); err != nil {
		return nil, err
	}
	out, err := decodeLineage(raw, string(t))
	if err != nil {
		return nil, &DecodeError{Method: http.MethodGet, Path: path, Err: err}
	}
	return out, nil
}

// decodeLineage reads {"parents":[...]}, {"children":[...]} or a bare array.
func decodeLineage(raw json.RawMessage, key string) ([]LineageEntry, error) {
	raw = bytes.TrimSpace(raw)
	var out []LineageEntry
	if len(raw) > 0 && raw[0] == '[' {
		return out, json.Unmarshal(raw, &out)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if v, ok := m[key]; ok && string(v) != "null" {
		return out, json.Unmarshal(v, &out)
	}
	return []LineageEntry{}, nil
}

// DownloadBlob streams blob blobID of source id into w and returns the
// number of bytes written. Only the caller's context bounds it, since blobs
// can be large. It is not retried once bytes may have been written.
func (c *Client) DownloadBlob(ctx context.Context, id int64, blobID string, w io.Writer) (int64, error) {
	segs := strings.Split(blobID, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	cw := &countWriter{w: w}
	r := request{method: http.MethodGet, path: fmt.Sprintf("/dataSource/%d/blob/%s", id, strings.Join(segs, "/")), stream: cw, noTimeout: true}
	err := c.do(ctx, r, nil)
	return cw.n, err
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error // the first error of w itself, told apart from network errors
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// AccessOptions are the query parameters of GET /dataSource/{id}/access
// (Values encodes them, Validate checks the enums). Zero values are left out.
type AccessOptions struct {
	Size, Offset int
	SortField    string   // name|state|email|expiration|type
	SortOrder    string   // asc|desc (server default desc)
	SearchText   string   // matched anywhere in the name or email
	States       []string // subscribed|expert|owner|ingest; repeated
	MemberTypes  []string // user|group|policy; repeated
	Approved     *bool    // only approved (true) or unapproved (false) entries
	ExpandGroups bool     // list the members of subscribed groups one by one
}

// ListAccess fetches one page of the users with access to source id. An
// option outside its enum is refused before anything is sent.
func (c *Client) ListAccess(ctx context.Context, id int64, o AccessOptions) (*AccessPage, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("GET /dataSource/%d/access: %w", id, err)
	}
	var p AccessPage
	r := request{method: http.MethodGet, path: withQuery(fmt.Sprintf("/dataSource/%d/access", id), o.Values()), accept: "{["}
	if err := c.do(ctx, r, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// AllAccess walks every page of ListAccess, like AllDataSources.
func (c *Client) AllAccess(ctx context.Context, id int64, o AccessOptions) iter.Seq2[AccessUser, error] {
	return walk(o.Offset, o.Size, fmt.Sprintf("/dataSource/%d/access", id), func(offset, size int) ([]AccessUser, int, error) {
		o := o
		o.Offset, o.Size = offset, size
		p, err := c.ListAccess(ctx, id, o)
		if err != nil {
			return nil, 0, err
		}
		return p.Users, p.Count, nil
	}, func(u *AccessUser) json.RawMessage { return u.Raw })
}

// UserPolicyInfo is what masking, visibilities and filters apply to the user
// with profile id profile on source id.
func (c *Client) UserPolicyInfo(ctx context.Context, id, profile int64) (*PolicyInfo, error) {
	var p PolicyInfo
	if err := c.get(ctx, fmt.Sprintf("/dataSource/%d/users/%d/policyInfo", id, profile), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// UserVisibilityReport is that user's visibility report. The server answers
// an array; a single object is accepted too.
func (c *Client) UserVisibilityReport(ctx context.Context, id, profile int64) ([]VisibilityReport, error) {
	var raw json.RawMessage
	path := fmt.Sprintf("/dataSource/%d/users/%d/visibilityReport", id, profile)
	if err := c.do(ctx, request{method: http.MethodGet, path: path, accept: "{["}, &raw); err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	var out []VisibilityReport
	var err error
	if len(raw) > 0 && raw[0] == '{' {
		var one VisibilityReport
		err = json.Unmarshal(raw, &one)
		out = []VisibilityReport{one}
	} else {
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		return nil, &DecodeError{Method: http.MethodGet, Path: path, Err: err}
	}
	return out, nil
}

// MyVisibilityReport is the caller's own visibility report for source id.
func (c *Client) MyVisibilityReport(ctx context.Context, id int64) (*VisibilityReport, error) {
	var r VisibilityReport
	if err := c.get(ctx, fmt.Sprintf("/dataSource/%d/visibilityReport", id), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Subscribe subscribes the caller to the given sources. It is never retried.
func (c *Client) Subscribe(ctx context.Context, req SubscribeRequest) (*SubscribeResult, error) {
	if len(req.DataSourceIDs) == 0 {
		return nil, fmt.Errorf("subscribe: no data source ids")
	}
	var r SubscribeResult
	if err := c.send(ctx, http.MethodPost, "/dataSource/subscribe", req, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteDataSource disables (soft-deletes) an active source, or deletes a
// disabled one for good. It is never retried: a second DELETE would turn a
// soft delete into a hard one. What happened is in the answer
// (DeleteResult.Outcome); an empty answer is an ErrEmptyAnswer error.
func (c *Client) DeleteDataSource(ctx context.Context, id int64) (*DeleteResult, error) {
	var r DeleteResult
	if err := c.send(ctx, http.MethodDelete, fmt.Sprintf("/dataSource/%d", id), nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// RestoreDataSource re-enables a soft-deleted source (PUT deleted:false).
func (c *Client) RestoreDataSource(ctx context.Context, id int64) (*DataSource, error) {
	var d DataSource
	if err := c.send(ctx, http.MethodPut, fmt.Sprintf("/dataSource/%d", id), map[string]bool{"deleted": false}, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// CreateS3 creates Native S3 data sources. The server answers one object or
// an array; both come back as a slice.
func (c *Client) CreateS3(ctx context.Context, req S3CreateRequest) ([]S3Created, error) {
	body := struct {
		Type          string     `json:"type"`
		IntegrationID int64      `json:"integrationId"`
		DataSources   []S3Source `json:"dataSources"`
	}{"Native S3", req.IntegrationID, req.DataSources}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	const path = "/native-s3/handler"
	// An empty answer is an error too: the sources may well have been
	// created, but nothing says which.
	if err := c.do(ctx, request{method: http.MethodPost, path: path, body: b, accept: "{["}, &raw); err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	var out []S3Created
	switch {
	case raw[0] == '{':
		var one S3Created
		err = json.Unmarshal(raw, &one)
		out = []S3Created{one}
	default:
		err = json.Unmarshal(raw, &out)
	}
	if err != nil {
		// The sources were created; only the answer is unreadable.
		return nil, &DecodeError{Method: http.MethodPost, Path: path, Err: err}
	}
	return out, nil
}

// GetS3Handler fetches a Native S3 handler.
func (c *Client) GetS3Handler(ctx context.Context, handlerID int64) (*S3Handler, error) {
	var h S3Handler
	if err := c.get(ctx, fmt.Sprintf("/native-s3/handler/%d", handlerID), &h); err != nil {
		return nil, err
	}
	return &h, nil
}
