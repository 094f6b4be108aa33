package reportpage

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// Fetch asks the server for one request's answer. It runs off the UI
// goroutine: it must read nothing of the page (the API is handed to it).
type Fetch[T any] func(ctx context.Context, api views.API) (T, error)

// Object is fetch for a JSON object: an answer of no object and no error
// (the server sent null) reads as the empty object, which the page shows,
// rather than as nothing loaded.
func Object[T any](fetch Fetch[*T]) Fetch[*T] {
	return func(ctx context.Context, api views.API) (*T, error) {
		v, err := fetch(ctx, api)
		if err == nil && v == nil {
			v = new(T)
		}
		return v, err
	}
}

// Request is one request of a page, made on every load, and its latest
// answer. The page's content holds it to read the answer as it lays out;
// only the page changes it, on the UI goroutine.
type Request[T any] struct {
	what  string // the spinner's and the error's label: "loading policy info"
	fetch Fetch[T]

	value   T
	have    bool
	pending bool
	err     error
}

// NewRequest makes a request labelled what ("loading policy info") that
// fetch answers.
func NewRequest[T any](what string, fetch Fetch[T]) *Request[T] {
	return &Request[T]{what: what, fetch: fetch}
}

// Value is the latest answer, and whether one came. It stays while a
// reload runs, and when a reload fails.
func (r *Request[T]) Value() (T, bool) { return r.value, r.have }

// Err is why the latest load of this request failed; nil while it runs
// and once it answered.
func (r *Request[T]) Err() error { return r.err }

// Loading reports whether the request runs now.
func (r *Request[T]) Loading() bool { return r.pending }

// Loader is a Request of any type, as the page runs it.
type Loader interface {
	begin()
	start(sess *views.Session, base context.Context) tea.Cmd
	answered() bool
	settle(value any, err error)
	label() string
}

// Answer is a request's reply, brought back to the page that asked. Tests
// that hand a page's messages back to it by hand tell it by this type.
type Answer struct {
	req   Loader
	value any
	err   error
}

func (r *Request[T]) begin() { r.pending, r.err = true, nil }

func (r *Request[T]) start(sess *views.Session, base context.Context) tea.Cmd {
	fetch, api := r.fetch, sess.API
	return views.Track(r.what, func() tea.Msg {
		ctx, cancel := sess.WithTimeout(base)
		defer cancel()
		v, err := fetch(ctx, api)
		return Answer{req: r, value: v, err: err}
	})
}

func (r *Request[T]) answered() bool { return r.have }
func (r *Request[T]) label() string  { return r.what }

func (r *Request[T]) settle(value any, err error) {
	r.pending = false
	if err != nil {
		r.err = err
		return
	}
	r.value, _ = value.(T)
	r.have = true
}
