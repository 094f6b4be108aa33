package sources

import "github.com/dsbrowse/dsbrowse/apiclient/paging"

// batchOf is a batch of rows at off for d, as the loader would hand it
// over mid-load (for the benchmarks, which feed pages directly).
func batchOf(d *dataset, off int, rows []Row, total int) batchMsg {
	return batchMsg{load: d.load, ok: true, b: paging.Batch[Row]{Offset: off, Items: rows,
		Progress: paging.Progress{Loaded: len(d.rows) + len(rows), Total: total}}}
}
