package views

import "sync"

// Write flows: one at a time per data source. A flow (subscribe, disable
// or delete, restore; one source or many) claims its sources when its key
// is pressed and keeps them through the state check, the dialog and the
// request, so that a second key cannot open a second dialog on the same
// source (two confirmed DELETEs make a disable permanent).

// Writes is the set of data sources with a write flow in progress. It is
// safe to use from commands: a flow may end off the UI goroutine.
type Writes struct {
	mu   sync.Mutex
	busy map[int64]bool
}

// WriteClaim is one flow's hold on its sources. They stay busy until every
// holder (the check, the dialog, the request) has let go.
type WriteClaim struct {
	w    *Writes
	ids  []int64
	refs int // guarded by w.mu
}

// Claim takes ids for one flow with a single holder. When one of them is
// already busy nothing is taken, and that id is returned.
func (w *Writes) Claim(ids []int64) (*WriteClaim, int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range ids {
		if w.busy[id] {
			return nil, id, false
		}
	}
	if w.busy == nil {
		w.busy = map[int64]bool{}
	}
	c := &WriteClaim{w: w, refs: 1}
	for _, id := range ids {
		if !w.busy[id] { // a list may name a source twice
			w.busy[id] = true
			c.ids = append(c.ids, id)
		}
	}
	return c, 0, true
}

// Busy reports whether a write flow holds id.
func (w *Writes) Busy(id int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.busy[id]
}

// Any reports whether any write flow is in progress (the root does not
// switch profiles under one: its result would have no screen to tell it).
func (w *Writes) Any() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range w.busy {
		if b {
			return true
		}
	}
	return false
}

// Hold adds a holder to a claim that is still held (a request starting
// under its dialog). It reports false, and adds nothing, once the claim
// has been let go. A nil claim holds nothing.
func (c *WriteClaim) Hold() bool {
	if c == nil {
		return false
	}
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	if c.refs == 0 {
		return false
	}
	c.refs++
	return true
}

// Release lets go of one hold; the last one frees the sources. Extra
// calls and a nil claim do nothing.
func (c *WriteClaim) Release() {
	if c == nil {
		return
	}
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	if c.refs == 0 {
		return
	}
	if c.refs--; c.refs == 0 {
		for _, id := range c.ids {
			delete(c.w.busy, id)
		}
	}
}

// writesInit guards the lazy creation of a Session's Writes.
var writesInit sync.Mutex

// Writes is the session's set of sources with a write in progress: one
// set for every view, so that the list and the detail see the same flows.
func (sess *Session) Writes() *Writes {
	writesInit.Lock()
	defer writesInit.Unlock()
	if sess.writes == nil {
		sess.writes = &Writes{}
	}
	return sess.writes
}
