package views

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient/paging"
)

// BatchMsg is one batch of a paging loader that a view waits for with
// NextBatch; OK is false once the load has ended or was cancelled.
type BatchMsg[T any] struct {
	B  paging.Batch[T]
	OK bool
}

// NextBatch waits for l's next batch, under the spinner labelled label,
// as the newest command of slot s: the wait of a reload on s drops the
// old load's batch.
func NextBatch[T any](ctx context.Context, s *Slot, label string, l *paging.Loader[T]) tea.Cmd {
	return TrackLatest(s, label, func() tea.Msg {
		b, ok := l.Next(ctx)
		return BatchMsg[T]{B: b, OK: ok}
	})
}
