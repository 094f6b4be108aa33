package report_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
)

func user(profile int64, name, state string) apiclient.AccessUser {
	u := apiclient.AccessUser{Profile: profile, Name: name, Email: strings.ToLower(name) + "@example.com",
		Type: "user", State: state, Approved: state != "pending", CreatedAt: "2025-01-02T03:04:05.000Z"}
	raw, _ := json.Marshal(map[string]any{"profile": profile, "name": name, "expiration": "2027-01-31T00:00:00.000Z"})
	u.Raw = raw
	return u
}

var src = report.Source{ID: 7, Name: `Sales, "EU"`, SQLTable: "public.sales_eu"}

func rows() []report.Row {
	return []report.Row{
		report.RowOf(src, user(11, "Ada", "subscribed")),
		report.RowOf(src, user(12, "Bob\nNewline", "owner")),
	}
}

func write(t *testing.T, f report.Format, rs []report.Row) string {
	t.Helper()
	var b bytes.Buffer
	w, err := report.NewWriter(&b, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != len(rs) {
		t.Errorf("Rows() = %d, want %d", w.Rows(), len(rs))
	}
	return b.String()
}

func TestRowOf(t *testing.T) {
	r := rows()[0]
	want := report.Row{SourceID: 7, SourceName: `Sales, "EU"`, SQLTable: "public.sales_eu", MemberType: "user", MemberID: 11,
		Name: "Ada", Email: "ada@example.com", State: "subscribed", Approved: true,
		Expiration: "2027-01-31T00:00:00.000Z", Since: "2025-01-02T03:04:05.000Z"}
	if r != want {
		t.Fatalf("row\n got %+v\nwant %+v", r, want)
	}
	// A group entry that names its group by groupId; no expiration.
	g := apiclient.AccessUser{Type: "group", Name: "Analysts", State: "subscribed", Raw: json.RawMessage(`{"groupId":"42","expiration":null}`)}
	if r := report.RowOf(src, g); r.MemberID != 42 || r.Expiration != "" || r.MemberType != "group" {
		t.Errorf("group row %+v", r)
	}
}

// The CSV reads back, with the header, quotes and newlines intact.
func TestCSVReadsBack(t *testing.T) {
	out := write(t, report.CSV, rows())
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || !slices.Equal(recs[0], report.Header) {
		t.Fatalf("records %q", recs)
	}
	for i, r := range rows() {
		if !slices.Equal(recs[i+1], r.Record()) {
			t.Errorf("record %d = %q, want %q", i, recs[i+1], r.Record())
		}
	}
	if recs[2][5] != "Bob\nNewline" || recs[1][1] != `Sales, "EU"` {
		t.Errorf("quoted fields lost: %q", recs)
	}
}

func TestJSONReadsBack(t *testing.T) {
	var got []report.Row
	if err := json.Unmarshal([]byte(write(t, report.JSON, rows())), &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, rows()) {
		t.Fatalf("got %+v", got)
	}
}

func TestNDJSONReadsBack(t *testing.T) {
	out := write(t, report.NDJSON, rows())
	sc := bufio.NewScanner(strings.NewReader(out))
	var got []report.Row
	for sc.Scan() {
		var r report.Row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, r)
	}
	if !slices.Equal(got, rows()) {
		t.Fatalf("got %+v", got)
	}
}

// An empty report is still well formed: a CSV header, an empty array.
func TestEmptyReport(t *testing.T) {
	if got := write(t, report.CSV, nil); got != strings.Join(report.Header, ",")+"\n" {
		t.Errorf("csv %q", got)
	}
	if got := write(t, report.JSON, nil); got != "[]\n" {
		t.Errorf("json %q", got)
	}
	if got := write(t, report.NDJSON, nil); got != "" {
		t.Errorf("ndjson %q", got)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"csv", "JSON", " ndjson "} {
		if _, err := report.ParseFormat(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := report.ParseFormat("xlsx"); err == nil || !strings.Contains(err.Error(), "csv, json or ndjson") {
		t.Errorf("xlsx: %v", err)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

// A write error sticks: it is returned by Flush and Close too.
func TestWriteErrorSticks(t *testing.T) {
	w, err := report.NewWriter(&failWriter{}, report.NDJSON)
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Write(rows()[0])
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v, want disk full", err)
	}
}

// fakeLister serves members per source, size-paged, and records the
// pages asked for. gate, when set, holds each source's first page until
// the test releases that source.
type fakeLister struct {
	mu       sync.Mutex
	members  map[int64][]apiclient.AccessUser
	fail     map[int64]error
	noCount  bool
	pages    []string
	gate     map[int64]chan struct{}
	asked    chan int64 // each source's first page, when set
	inflight int
	peak     int
	sources  map[int64]apiclient.DataSource
}

func (f *fakeLister) ListAccess(ctx context.Context, id int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	f.mu.Lock()
	f.pages = append(f.pages, fmt.Sprintf("%d@%d/%d", id, o.Offset, o.Size))
	f.inflight++
	f.peak = max(f.peak, f.inflight)
	g := f.gate[id]
	f.mu.Unlock()
	if f.asked != nil && o.Offset == 0 {
		f.asked <- id
	}
	defer func() { f.mu.Lock(); f.inflight--; f.mu.Unlock() }()
	if g != nil && o.Offset == 0 {
		select {
		case <-g:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := f.fail[id]; err != nil {
		return nil, err
	}
	us := f.members[id]
	lo := min(o.Offset, len(us))
	hi := min(lo+o.Size, len(us))
	count := len(us)
	if f.noCount {
		count = -1
	}
	return &apiclient.AccessPage{Count: count, Users: us[lo:hi]}, nil
}

func (f *fakeLister) GetDataSource(_ context.Context, id int64) (*apiclient.DataSource, error) {
	d, ok := f.sources[id]
	if !ok {
		return nil, &apiclient.APIError{StatusCode: 404, Method: "GET", Path: fmt.Sprintf("/dataSource/%d", id), Message: "not found"}
	}
	return &d, nil
}

func seq(ids ...int64) func(func(report.Source) bool) {
	return func(yield func(report.Source) bool) {
		for _, id := range ids {
			if !yield(report.Source{ID: id, Name: fmt.Sprint("s", id)}) {
				return
			}
		}
	}
}

func members(n int) []apiclient.AccessUser {
	out := make([]apiclient.AccessUser, n)
	for i := range out {
		out[i] = user(int64(i+1), fmt.Sprint("u", i+1), "subscribed")
	}
	return out
}

// Sources come out in the order given, each with all its members over
// several pages, though a later one answers first; a failing source is
// handed over with its error and the rest go on.
func TestWalkOrderPagesAndFailure(t *testing.T) {
	f := &fakeLister{
		members: map[int64][]apiclient.AccessUser{1: members(5), 2: members(2), 3: members(0), 4: members(3)},
		fail:    map[int64]error{3: errors.New("boom")},
		gate:    map[int64]chan struct{}{1: make(chan struct{})},
		asked:   make(chan int64, 64),
	}
	go func() {
		// Source 1 answers only once 2 and 3 have been asked for.
		seen := map[int64]bool{}
		for id := range f.asked {
			seen[id] = true
			if seen[2] && seen[3] {
				close(f.gate[1])
				return
			}
		}
	}()
	var got []string
	var order []int64
	var failed []string
	err := report.Walk(context.Background(), f, seq(1, 2, 3, 4), report.Options{Access: apiclient.AccessOptions{Size: 2}, Concurrency: 3},
		func(d report.Done) error {
			order = append(order, d.Source.ID)
			if d.Err != nil {
				failed = append(failed, fmt.Sprintf("%d: %v", d.Source.ID, d.Err))
			}
			for _, r := range d.Rows {
				got = append(got, fmt.Sprintf("%d:%d", r.SourceID, r.MemberID))
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []int64{1, 2, 3, 4}) {
		t.Errorf("order %v", order)
	}
	want := []string{"1:1", "1:2", "1:3", "1:4", "1:5", "2:1", "2:2", "4:1", "4:2", "4:3"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	if !slices.Equal(failed, []string{"3: boom"}) {
		t.Errorf("failed %v", failed)
	}
	// 5 members at size 2: offsets 0, 2, 4 and no more (the count says so).
	var pages1 []string
	for _, p := range f.pages {
		if strings.HasPrefix(p, "1@") {
			pages1 = append(pages1, p)
		}
	}
	if !slices.Equal(pages1, []string{"1@0/2", "1@2/2", "1@4/2"}) {
		t.Errorf("pages of source 1: %v", pages1)
	}
	if f.peak > 3 {
		t.Errorf("%d requests at once, want at most 3", f.peak)
	}
}

// Without a count, a short page is the last; an exact multiple ends on
// an empty page.
func TestWalkWithoutCount(t *testing.T) {
	f := &fakeLister{members: map[int64][]apiclient.AccessUser{1: members(4), 2: members(3)}, noCount: true}
	total := 0
	err := report.Walk(context.Background(), f, seq(1, 2), report.Options{Access: apiclient.AccessOptions{Size: 2}, Concurrency: 1},
		func(d report.Done) error { total += len(d.Rows); return d.Err })
	if err != nil || total != 7 {
		t.Fatalf("err %v, %d rows", err, total)
	}
	want := []string{"1@0/2", "1@2/2", "1@4/2", "2@0/2", "2@2/2"}
	if !slices.Equal(f.pages, want) {
		t.Errorf("pages %v, want %v", f.pages, want)
	}
}

// However many sources, no more than the concurrency's worth are asked
// for at once, and the walk stops at the first error emit returns,
// asking for nothing more.
func TestWalkBoundedAndStops(t *testing.T) {
	f := &fakeLister{members: map[int64][]apiclient.AccessUser{}}
	ids := make([]int64, 500)
	for i := range ids {
		ids[i] = int64(i + 1)
		f.members[ids[i]] = members(1)
	}
	stop := errors.New("disk full")
	seen := 0
	err := report.Walk(context.Background(), f, seq(ids...), report.Options{Concurrency: 4}, func(d report.Done) error {
		seen++
		if seen == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want disk full", err)
	}
	if seen != 10 {
		t.Errorf("emit called %d times after it failed", seen)
	}
	f.mu.Lock()
	asked := len(f.pages)
	f.mu.Unlock()
	// 10 emitted, and at most the queue and the workers beyond them.
	if asked > 10+2*4+1 {
		t.Errorf("%d sources asked for after the walk stopped at 10", asked)
	}
	if f.peak > 4 {
		t.Errorf("%d requests at once, want at most 4", f.peak)
	}
}

// A source with more members than MaxMembers is reported, with the rows
// it had; Lookup fills in the name and SQL table from the source.
func TestWalkCapAndLookup(t *testing.T) {
	f := &fakeLister{
		members: map[int64][]apiclient.AccessUser{1: members(10), 2: members(1)},
		sources: map[int64]apiclient.DataSource{1: {ID: 1, Name: "Orders", SQLSchemaName: "public", SQLTableName: "orders"}},
	}
	var ds []report.Done
	err := report.Walk(context.Background(), f, seq(1, 2), report.Options{MaxMembers: 4, Lookup: true, Access: apiclient.AccessOptions{Size: 3}},
		func(d report.Done) error { ds = append(ds, d); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || len(ds[0].Rows) != 4 || ds[0].Err == nil || !strings.Contains(ds[0].Err.Error(), "more than 4 members") {
		t.Fatalf("capped source: %+v", ds[0])
	}
	if r := ds[0].Rows[0]; r.SourceName != "Orders" || r.SQLTable != "public.orders" {
		t.Errorf("lookup: %+v", r)
	}
	if !errors.Is(ds[1].Err, apiclient.ErrNotFound) || len(ds[1].Rows) != 0 {
		t.Errorf("source 2 (not found on lookup): %+v", ds[1])
	}
}

// A cancelled walk ends with the context's error and no goroutine left
// reading the sources.
func TestWalkCancelled(t *testing.T) {
	f := &fakeLister{members: map[int64][]apiclient.AccessUser{1: members(1)}, gate: map[int64]chan struct{}{1: make(chan struct{})}, asked: make(chan int64, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-f.asked; cancel() }()
	err := report.Walk(ctx, f, seq(1, 2, 3), report.Options{Concurrency: 1}, func(report.Done) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
