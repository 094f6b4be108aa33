package apiclient_test

// The paging iterators: every source exactly once, in order, with as few
// requests as the answers allow, and a clean stop on error or break.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// pagedServer serves total sources (ids 1..total) from GET /dataSource,
// honouring size and offset, capped at maxSize per page when maxSize > 0.
// envelope picks {count,hits} over a bare array. failAt makes the request
// at that offset answer 500.
type pagedServer struct {
	total, maxSize int
	envelope       bool
	failAt         int
	users          bool // serve /dataSource/7/access {count,users} instead
}

func (p pagedServer) start(t *testing.T) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if off == p.failAt && p.failAt > 0 {
			reply(w, 500, []byte(`{"statusCode":500,"message":"index is rebuilding"}`))
			return
		}
		if p.maxSize > 0 {
			size = min(size, p.maxSize)
		}
		var items []string
		for id := off + 1; id <= min(off+size, p.total); id++ {
			if p.users {
				items = append(items, fmt.Sprintf(`{"profile":%d,"name":"u%d"}`, id, id))
			} else {
				items = append(items, fmt.Sprintf(`{"id":%d,"name":"ds%d"}`, id, id))
			}
		}
		list := "[" + strings.Join(items, ",") + "]"
		key := "hits"
		if p.users {
			key = "users"
		}
		if p.envelope {
			list = fmt.Sprintf(`{"count":%d,%q:%s}`, p.total, key, list)
		}
		reply(w, 200, []byte(list))
	})
}

// offsets is the offset of each request ("" when none was sent).
func offsets(s *server) []string {
	var out []string
	for _, h := range s.Hits() {
		out = append(out, h.Query.Get("offset"))
	}
	return out
}

func collect(t *testing.T, seq func(yield func(apiclient.DataSource, error) bool)) ([]int64, []error) {
	t.Helper()
	var ids []int64
	var errs []error
	for d, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, d.ID)
	}
	return ids, errs
}

func seqIDs(from, to int) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, int64(i))
	}
	return out
}

func TestAllDataSourcesWalksEveryPageAndStopsAtCount(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 7, envelope: true}.start(t)
	ids, errs := collect(t, newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 3, SearchText: "x"}))
	if len(errs) != 0 || !reflect.DeepEqual(ids, seqIDs(1, 7)) {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	// Starts at offset 0 (sent as none), then 3, 6; and stops at count.
	if got := offsets(s); !reflect.DeepEqual(got, []string{"", "3", "6"}) {
		t.Errorf("offsets = %q", got)
	}
	for _, h := range s.Hits() {
		if h.Query.Get("size") != "3" || h.Query.Get("searchText") != "x" {
			t.Errorf("page request lost its options: %v", h.Query)
		}
	}
}

func TestAllDataSourcesExactMultipleOfSizeStopsAtCount(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 6, envelope: true}.start(t)
	ids, errs := collect(t, newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 3}))
	if len(errs) != 0 || len(ids) != 6 {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	if s.count() != 2 {
		t.Errorf("%d requests, want 2: count says there is no third page", s.count())
	}
}

func TestAllDataSourcesBareArrayStopsAtShortPage(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 7}.start(t)
	ids, errs := collect(t, newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 3}))
	if len(errs) != 0 || !reflect.DeepEqual(ids, seqIDs(1, 7)) {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	if got := offsets(s); !reflect.DeepEqual(got, []string{"", "3", "6"}) {
		t.Errorf("offsets = %q", got)
	}
	// Full last page: one more request finds it empty.
	s = pagedServer{total: 6}.start(t)
	ids, errs = collect(t, newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 3}))
	if len(errs) != 0 || len(ids) != 6 || s.count() != 3 {
		t.Errorf("ids %v errs %v requests %d", ids, errs, s.count())
	}
}

// A tenant whose page cap is below the size asked for still gets walked to
// the end when it sends count (a short page is not the end then).
func TestAllDataSourcesServerCapsPageSize(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 250, maxSize: 100, envelope: true}.start(t)
	ids, errs := collect(t, newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 200}))
	if len(errs) != 0 || !reflect.DeepEqual(ids, seqIDs(1, 250)) {
		t.Fatalf("got %d sources (errs %v), want all 250", len(ids), errs)
	}
	if got := offsets(s); !reflect.DeepEqual(got, []string{"", "100", "200"}) {
		t.Errorf("offsets = %q", got)
	}
}

func TestAllDataSourcesDefaultSizeAndStartOffset(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 5, envelope: true}.start(t)
	ids, _ := collect(t, newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Offset: 2}))
	if !reflect.DeepEqual(ids, seqIDs(3, 5)) {
		t.Errorf("ids = %v", ids)
	}
	if h := s.Hits()[0]; h.Query.Get("size") != strconv.Itoa(apiclient.DefaultPageSize) || h.Query.Get("offset") != "2" {
		t.Errorf("first request = %v", h.Query)
	}
}

func TestAllDataSourcesStopsWhenConsumerBreaks(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 100, envelope: true}.start(t)
	var ids []int64
	for d, err := range newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
		if len(ids) == 4 {
			break
		}
	}
	if !reflect.DeepEqual(ids, seqIDs(1, 4)) || s.count() != 2 {
		t.Errorf("ids %v after %d requests; want 1..4 after 2", ids, s.count())
	}
}

func TestAllDataSourcesYieldsErrorAndStops(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 10, envelope: true, failAt: 3}.start(t)
	var ids []int64
	var errs []error
	for d, err := range newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 3}) {
		if err != nil {
			errs = append(errs, err)
			continue // a careless consumer goes on: the iterator must still stop
		}
		ids = append(ids, d.ID)
	}
	if !reflect.DeepEqual(ids, seqIDs(1, 3)) || len(errs) != 1 {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	if !errors.Is(errs[0], apiclient.ErrServer) || !strings.Contains(errs[0].Error(), "index is rebuilding") {
		t.Errorf("err = %v", errs[0])
	}
	if s.count() != 5 {
		t.Errorf("%d requests, want 5 (the failing page is tried 1+3 times)", s.count())
	}
}

// Ranging twice over one iterator walks the list twice from the start.
func TestAllDataSourcesIsReusable(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 5, envelope: true}.start(t)
	seq := newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 2})
	first, _ := collect(t, seq)
	second, _ := collect(t, seq)
	if !reflect.DeepEqual(first, seqIDs(1, 5)) || !reflect.DeepEqual(second, first) {
		t.Errorf("first %v, second %v", first, second)
	}
}

// A server that ignores offset must not keep the iterator going forever.
func TestAllDataSourcesServerIgnoringOffsetEnds(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		reply(w, 200, []byte(`[{"id":1},{"id":2}]`))
	})
	ids, errs := collect(t, newClient(t, s).AllDataSources(context.Background(), apiclient.ListOptions{Size: 2}))
	if !reflect.DeepEqual(ids, []int64{1, 2}) || len(errs) != 1 || !errors.Is(errs[0], apiclient.ErrMalformed) {
		t.Errorf("ids %v errs %v", ids, errs)
	}
	if s.count() != 2 {
		t.Errorf("%d requests", s.count())
	}
}

func TestAllDataSourcesCanceledContext(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 10, envelope: true}.start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	n := 0
	for _, err := range newClient(t, s).AllDataSources(ctx, apiclient.ListOptions{Size: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if n++; n == 2 {
			cancel()
		}
	}
	if n != 2 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("%d sources, errs %v", n, errs)
	}
}

func TestAllAccess(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 5, envelope: true, users: true}.start(t)
	var profiles []int64
	for u, err := range newClient(t, s).AllAccess(context.Background(), 7, apiclient.AccessOptions{Size: 2, SortOrder: "desc"}) {
		if err != nil {
			t.Fatal(err)
		}
		profiles = append(profiles, u.Profile)
	}
	if !reflect.DeepEqual(profiles, seqIDs(1, 5)) {
		t.Errorf("profiles = %v", profiles)
	}
	if got := offsets(s); !reflect.DeepEqual(got, []string{"", "2", "4"}) {
		t.Errorf("offsets = %q", got)
	}
	for _, h := range s.Hits() {
		if h.Path != "/dataSource/7/access" || h.Query.Get("sortOrder") != "desc" || h.Query.Get("size") != "2" {
			t.Errorf("request %s %v", h.Path, h.Query)
		}
	}
}

func TestAllAccessErrorAndBreak(t *testing.T) {
	t.Parallel()
	s := pagedServer{total: 10, envelope: true, users: true, failAt: 2}.start(t)
	var n int
	var errs []error
	for _, err := range newClient(t, s).AllAccess(context.Background(), 7, apiclient.AccessOptions{Size: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if n != 2 || len(errs) != 1 || !errors.Is(errs[0], apiclient.ErrServer) {
		t.Errorf("%d users, errs %v", n, errs)
	}

	s = pagedServer{total: 10, envelope: true, users: true}.start(t)
	for range newClient(t, s).AllAccess(context.Background(), 7, apiclient.AccessOptions{Size: 2}) {
		break
	}
	if s.count() != 1 {
		t.Errorf("%d requests after an immediate break", s.count())
	}

	// The seed's access answer, as a bare array of users with no count.
	s = newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		reply(w, 200, []byte(`[{"profile":2},{"profile":3}]`))
	})
	n = 0
	for _, err := range newClient(t, s).AllAccess(context.Background(), 7, apiclient.AccessOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 || s.count() != 1 {
		t.Errorf("%d users after %d requests", n, s.count())
	}
}
