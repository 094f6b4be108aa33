package viewtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
)

// FakeAPI is an in-memory views.API for unit tests. Unset calls answer
// ErrNotImplemented.
type FakeAPI struct {
	mu      sync.Mutex
	Sources []apiclient.DataSource
	// ListErr, when set, fails list calls at or after this offset.
	ListErr       error
	ListErrOffset int
	// BareArray makes list calls answer without a count.
	BareArray bool
	Calls     []string
	// Queries are the list calls' query strings, exactly as the server
	// would see them (ListOptions.Values().Encode()). The status and
	// blobHandlerType filters are applied to Sources.
	Queries []string

	Access map[int64][]apiclient.AccessUser
	// GetErr, when set, fails GetDataSource for every id.
	GetErr       error
	SubscribeFn  func(apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error)
	DeleteFn     func(id int64) (*apiclient.DeleteResult, error)
	RestoreFn    func(id int64) (*apiclient.DataSource, error)
	CreateS3Fn   func(apiclient.S3CreateRequest) ([]apiclient.S3Created, error)
	S3HandlerFn  func(id int64) (*apiclient.S3Handler, error)
	PolicyInfoFn func(id, profile int64) (*apiclient.PolicyInfo, error)
	ReportFn     func(id int64) (*apiclient.VisibilityReport, error)

	// Pending is what ListPendingRequests pages through (after PendingErr,
	// when set, fails it).
	Pending       []apiclient.PendingRequest
	PendingErr    error
	ApproveFn     func([]apiclient.ApproveRequest) (*apiclient.DecisionResult, error)
	DenyFn        func([]apiclient.DenyRequest) (*apiclient.DecisionResult, error)
	SetAccessFn   func(sourceID, accessID int64, ch apiclient.AccessChange) (*apiclient.WriteAnswer, error)
	AddAccessFn   func(sourceID int64, r apiclient.AddAccessRequest) (*apiclient.WriteAnswer, error)
	UnsubscribeFn func(sourceID int64) (*apiclient.WriteAnswer, error)

	// Tags and dictionaries: TagsFn and DictionaryFn answer the reads,
	// AddTagsFn and RemoveTagFn the writes.
	TagsFn       func(id int64) (*apiclient.SourceTags, error)
	DictionaryFn func(id int64) (*apiclient.Dictionary, error)
	AddTagsFn    func(id int64, names []string) (*apiclient.TagsAdded, error)
	RemoveTagFn  func(id int64, tag string) (*apiclient.WriteAnswer, error)

	// ContactsFn answers SourceContacts (nil: no contacts).
	ContactsFn func(id int64) (*apiclient.Contacts, error)
}

func (f *FakeAPI) SourceContacts(_ context.Context, id int64) (*apiclient.Contacts, error) {
	// Not recorded in Calls: the detail reads contacts on every open, and
	// tests that count calls count the ones they are about.
	if f.ContactsFn != nil {
		return f.ContactsFn(id)
	}
	return &apiclient.Contacts{}, nil
}

func (Unimplemented) SourceContacts(context.Context, int64) (*apiclient.Contacts, error) {
	return nil, ErrNotImplemented
}

var ErrNotImplemented = errors.New("not implemented in FakeAPI")

// GenSources makes n sources named "Source 00001"... with a few words
// mixed in so filters have something to find.
func GenSources(n int) []apiclient.DataSource {
	words := []string{"Web Sales", "Orders", "Customers", "Clickstream", "Ledger", "Employees"}
	out := make([]apiclient.DataSource, n)
	for i := range out {
		id := int64(i + 1)
		d := apiclient.DataSource{
			ID: id, Name: fmt.Sprintf("%s %05d", words[i%len(words)], i+1),
			BlobHandlerType:    []string{"Snowflake", "Databricks", "Redshift"}[i%3],
			Status:             []string{"passed", "passed", "failed"}[i%3],
			SubscriptionStatus: []string{"owner", "subscribed", "not_subscribed"}[i%3],
			SQLSchemaName:      "public", SQLTableName: fmt.Sprintf("t_%d", i+1),
			CreatedAt: fmt.Sprintf("2023-%02d-%02dT10:00:00Z", i%12+1, i%28+1),
		}
		d.Raw, _ = json.Marshal(map[string]any{"id": d.ID, "name": d.Name})
		out[i] = d
	}
	return out
}

// ListQueries is a copy of Queries.
func (f *FakeAPI) ListQueries() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.Queries)
}

func (f *FakeAPI) record(s string) {
	f.mu.Lock()
	f.Calls = append(f.Calls, s)
	f.mu.Unlock()
}

func (f *FakeAPI) ListDataSources(_ context.Context, o apiclient.ListOptions) (*apiclient.DataSourcePage, error) {
	f.record(fmt.Sprintf("list offset=%d size=%d search=%q", o.Offset, o.Size, o.SearchText))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Queries = append(f.Queries, o.Values().Encode())
	if f.ListErr != nil && o.Offset >= f.ListErrOffset {
		return nil, f.ListErr
	}
	var hits []apiclient.DataSource
	for _, d := range f.Sources {
		if len(o.Status) > 0 && !slices.Contains(o.Status, d.Status) ||
			len(o.BlobHandlerType) > 0 && !slices.Contains(o.BlobHandlerType, d.BlobHandlerType) {
			continue
		}
		if o.SearchText == "" || strings.Contains(strings.ToLower(d.Name), strings.ToLower(o.SearchText)) {
			hits = append(hits, d)
		}
	}
	total := len(hits)
	lo := min(o.Offset, total)
	hi := min(lo+o.Size, total)
	count := total
	if f.BareArray {
		count = -1
	}
	return &apiclient.DataSourcePage{Count: count, Hits: append([]apiclient.DataSource(nil), hits[lo:hi]...)}, nil
}

func (f *FakeAPI) GetDataSource(_ context.Context, id int64) (*apiclient.DataSource, error) {
	f.record(fmt.Sprintf("get %d", id))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.GetErr != nil {
		return nil, f.GetErr
	}
	for _, d := range f.Sources {
		if d.ID == id {
			return &d, nil
		}
	}
	return nil, &apiclient.APIError{StatusCode: 404, Method: "GET", Path: fmt.Sprintf("/dataSource/%d", id), Message: "not found"}
}

func (f *FakeAPI) Lineage(context.Context, int64, apiclient.LineageType) ([]apiclient.LineageEntry, error) {
	return nil, nil
}

func (f *FakeAPI) ListAccess(_ context.Context, id int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	users := f.Access[id]
	lo := min(o.Offset, len(users))
	hi := min(lo+max(o.Size, 1), len(users))
	return &apiclient.AccessPage{Count: len(users), Users: users[lo:hi]}, nil
}

func (f *FakeAPI) UserPolicyInfo(_ context.Context, id, profile int64) (*apiclient.PolicyInfo, error) {
	if f.PolicyInfoFn != nil {
		return f.PolicyInfoFn(id, profile)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) UserVisibilityReport(context.Context, int64, int64) ([]apiclient.VisibilityReport, error) {
	return nil, ErrNotImplemented
}

func (f *FakeAPI) MyVisibilityReport(_ context.Context, id int64) (*apiclient.VisibilityReport, error) {
	if f.ReportFn != nil {
		return f.ReportFn(id)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) Subscribe(_ context.Context, r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
	f.record(fmt.Sprintf("subscribe %v", r.DataSourceIDs))
	if f.SubscribeFn != nil {
		return f.SubscribeFn(r)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) DeleteDataSource(_ context.Context, id int64) (*apiclient.DeleteResult, error) {
	f.record(fmt.Sprintf("delete %d", id))
	if f.DeleteFn != nil {
		return f.DeleteFn(id)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) RestoreDataSource(_ context.Context, id int64) (*apiclient.DataSource, error) {
	f.record(fmt.Sprintf("restore %d", id))
	if f.RestoreFn != nil {
		return f.RestoreFn(id)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) CreateS3(_ context.Context, r apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
	f.record(fmt.Sprintf("s3 create %d %v", r.IntegrationID, r.DataSources))
	if f.CreateS3Fn != nil {
		return f.CreateS3Fn(r)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) GetS3Handler(_ context.Context, id int64) (*apiclient.S3Handler, error) {
	if f.S3HandlerFn != nil {
		return f.S3HandlerFn(id)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) ListPendingRequests(_ context.Context, o apiclient.PendingOptions) (*apiclient.PendingPage, error) {
	f.record(fmt.Sprintf("pending offset=%d size=%d model=%q", o.Offset, o.Size, o.ModelName))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.PendingErr != nil {
		return nil, f.PendingErr
	}
	lo := min(o.Offset, len(f.Pending))
	hi := min(lo+max(o.Size, 1), len(f.Pending))
	return &apiclient.PendingPage{Count: len(f.Pending), Hits: append([]apiclient.PendingRequest(nil), f.Pending[lo:hi]...)}, nil
}

// AllPendingRequests pages through ListPendingRequests until the count.
func (f *FakeAPI) AllPendingRequests(ctx context.Context, o apiclient.PendingOptions) iter.Seq2[apiclient.PendingRequest, error] {
	return func(yield func(apiclient.PendingRequest, error) bool) {
		o.Size = max(o.Size, 1)
		for {
			p, err := f.ListPendingRequests(ctx, o)
			if err != nil {
				yield(apiclient.PendingRequest{}, err)
				return
			}
			for _, r := range p.Hits {
				if !yield(r, nil) {
					return
				}
			}
			o.Offset += len(p.Hits)
			if len(p.Hits) == 0 || o.Offset >= p.Count {
				return
			}
		}
	}
}

func (f *FakeAPI) ApproveRequests(_ context.Context, reqs []apiclient.ApproveRequest) (*apiclient.DecisionResult, error) {
	f.record(fmt.Sprintf("approve %v", reqs))
	if f.ApproveFn != nil {
		return f.ApproveFn(reqs)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) DenyRequests(_ context.Context, reqs []apiclient.DenyRequest) (*apiclient.DecisionResult, error) {
	f.record(fmt.Sprintf("deny %v", reqs))
	if f.DenyFn != nil {
		return f.DenyFn(reqs)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) SetAccess(_ context.Context, sourceID, accessID int64, ch apiclient.AccessChange) (*apiclient.WriteAnswer, error) {
	f.record(fmt.Sprintf("set access %d %d %s", sourceID, accessID, ch.State))
	if f.SetAccessFn != nil {
		return f.SetAccessFn(sourceID, accessID, ch)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) AddAccess(_ context.Context, sourceID int64, r apiclient.AddAccessRequest) (*apiclient.WriteAnswer, error) {
	f.record(fmt.Sprintf("add access %d %s profile=%d group=%d", sourceID, r.State, r.ProfileID, r.GroupID))
	if f.AddAccessFn != nil {
		return f.AddAccessFn(sourceID, r)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) Unsubscribe(_ context.Context, sourceID int64) (*apiclient.WriteAnswer, error) {
	f.record(fmt.Sprintf("unsubscribe %d", sourceID))
	if f.UnsubscribeFn != nil {
		return f.UnsubscribeFn(sourceID)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) ListSourceTags(_ context.Context, id int64) (*apiclient.SourceTags, error) {
	f.record(fmt.Sprintf("tags %d", id))
	if f.TagsFn != nil {
		return f.TagsFn(id)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) GetDictionary(_ context.Context, id int64) (*apiclient.Dictionary, error) {
	f.record(fmt.Sprintf("dictionary %d", id))
	if f.DictionaryFn != nil {
		return f.DictionaryFn(id)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) AddSourceTags(_ context.Context, id int64, names []string) (*apiclient.TagsAdded, error) {
	f.record(fmt.Sprintf("add tags %d %v", id, names))
	if f.AddTagsFn != nil {
		return f.AddTagsFn(id, names)
	}
	return nil, ErrNotImplemented
}

func (f *FakeAPI) RemoveSourceTag(_ context.Context, id int64, tag string) (*apiclient.WriteAnswer, error) {
	f.record(fmt.Sprintf("remove tag %d %s", id, tag))
	if f.RemoveTagFn != nil {
		return f.RemoveTagFn(id, tag)
	}
	return nil, ErrNotImplemented
}

// Unimplemented answers every views.API call with ErrNotImplemented. A
// test's own fake embeds it and defines only the calls its view makes.
type Unimplemented struct{}

var _ views.API = Unimplemented{}

func (Unimplemented) ListDataSources(context.Context, apiclient.ListOptions) (*apiclient.DataSourcePage, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) GetDataSource(context.Context, int64) (*apiclient.DataSource, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) Lineage(context.Context, int64, apiclient.LineageType) ([]apiclient.LineageEntry, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) ListAccess(context.Context, int64, apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) UserPolicyInfo(context.Context, int64, int64) (*apiclient.PolicyInfo, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) UserVisibilityReport(context.Context, int64, int64) ([]apiclient.VisibilityReport, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) MyVisibilityReport(context.Context, int64) (*apiclient.VisibilityReport, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) Subscribe(context.Context, apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) DeleteDataSource(context.Context, int64) (*apiclient.DeleteResult, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) RestoreDataSource(context.Context, int64) (*apiclient.DataSource, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) CreateS3(context.Context, apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) GetS3Handler(context.Context, int64) (*apiclient.S3Handler, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) ListPendingRequests(context.Context, apiclient.PendingOptions) (*apiclient.PendingPage, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) AllPendingRequests(context.Context, apiclient.PendingOptions) iter.Seq2[apiclient.PendingRequest, error] {
	return func(yield func(apiclient.PendingRequest, error) bool) {
		yield(apiclient.PendingRequest{}, ErrNotImplemented)
	}
}
func (Unimplemented) ApproveRequests(context.Context, []apiclient.ApproveRequest) (*apiclient.DecisionResult, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) DenyRequests(context.Context, []apiclient.DenyRequest) (*apiclient.DecisionResult, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) SetAccess(context.Context, int64, int64, apiclient.AccessChange) (*apiclient.WriteAnswer, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) AddAccess(context.Context, int64, apiclient.AddAccessRequest) (*apiclient.WriteAnswer, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) Unsubscribe(context.Context, int64) (*apiclient.WriteAnswer, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) ListSourceTags(context.Context, int64) (*apiclient.SourceTags, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) GetDictionary(context.Context, int64) (*apiclient.Dictionary, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) AddSourceTags(context.Context, int64, []string) (*apiclient.TagsAdded, error) {
	return nil, ErrNotImplemented
}
func (Unimplemented) RemoveSourceTag(context.Context, int64, string) (*apiclient.WriteAnswer, error) {
	return nil, ErrNotImplemented
}
