package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/antipersona/antipersona"
)

// rejectsHeader is the header of a rejects file.
var rejectsHeader = []string{"file", "line", "column", "column_name", "reason", "raw"}

// RejectWriter writes rejected rows to a CSV file with the header
// file,line,column,column_name,reason,raw, where raw is the original text of
// the record (for CSV the bytes of the record without its final line break,
// quoted newlines included; for JSON Lines the line; for Parquet the row's
// values as one CSV record), so that a user can fix the rows and ingest the
// rejects file's raw column again. column is empty when the problem is not
// tied to a column.
//
// The file is created on the first Write only, in dir (created if needed),
// as <kind>-<time>.csv; if that name is taken, "-2", "-3", ... is added
// before ".csv". A RejectWriter is not safe for concurrent use.
type RejectWriter struct {
	dir  string
	base string // file name without ".csv"

	mu sync.Mutex // a file's reader and its batch writer share the writer

	path  string
	f     *os.File
	w     *csv.Writer
	count int64
	err   error // first error; later calls return it
}

// NewRejectWriter returns a writer for <dir>/<kind>-<now in UTC as
// 20060102T150405Z>.csv. Nothing is created until the first Write.
func NewRejectWriter(dir string, kind antipersona.Kind, now time.Time) *RejectWriter {
	return &RejectWriter{
		dir:  dir,
		base: fmt.Sprintf("%s-%s", kind, now.UTC().Format("20060102T150405Z")),
	}
}

// Write appends one rejected record: e gives file, line, column and reason
// (e.Err's text), raw the original text of the record. It creates the file on
// the first call. A nil e is a programmer error and panics.
func (w *RejectWriter) Write(e *antipersona.ParseError, raw []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.w == nil {
		if err := w.open(); err != nil {
			w.err = err
			return err
		}
	}
	col := ""
	if e.Column > 0 {
		col = strconv.Itoa(e.Column)
	}
	reason := ""
	if e.Err != nil {
		reason = e.Err.Error()
	}
	rec := []string{e.File, strconv.FormatInt(e.Line, 10), col, e.ColumnName, reason, string(raw)}
	if err := w.w.Write(rec); err != nil {
		w.err = fmt.Errorf("write rejects file: %w", err)
		return w.err
	}
	w.count++
	return nil
}

func (w *RejectWriter) open() error {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return fmt.Errorf("create rejects directory: %w", err)
	}
	for i := 1; ; i++ {
		name := w.base + ".csv"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.csv", w.base, i)
		}
		path := filepath.Join(w.dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && i < 1000 {
			continue
		}
		if err != nil {
			return fmt.Errorf("create rejects file: %w", err)
		}
		w.f, w.path = f, path
		w.w = csv.NewWriter(f)
		if err := w.w.Write(rejectsHeader); err != nil {
			return fmt.Errorf("write rejects file: %w", err)
		}
		return nil
	}
}

// Flush writes buffered rejects to the file and syncs it to stable storage,
// so that a reject is durable before the batch of its file is acknowledged.
// It does nothing when no reject was written.
func (w *RejectWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flush()
}

func (w *RejectWriter) flush() error {
	if w.err != nil {
		return w.err
	}
	if w.w == nil {
		return nil
	}
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		w.err = fmt.Errorf("write rejects file: %w", err)
		return w.err
	}
	if err := w.f.Sync(); err != nil {
		w.err = fmt.Errorf("sync rejects file: %w", err)
		return w.err
	}
	return nil
}

// Close flushes and closes the file. Calling Close again, or on a writer
// that wrote nothing, returns nil.
func (w *RejectWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		if w.err == errClosed {
			return nil
		}
		return w.err
	}
	err := w.flush()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close rejects file: %w", cerr)
	}
	w.f = nil
	w.w = nil
	if w.err == nil {
		w.err = errClosed
	}
	return err
}

var errClosed = errors.New("rejects file already closed")

// Path returns the path of the rejects file, or "" if nothing was written.
func (w *RejectWriter) Path() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.path
}

// Count returns the number of rejects written.
func (w *RejectWriter) Count() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.count
}
