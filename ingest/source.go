package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/antipersona/antipersona"
)

// row is one data record of a file.
type row struct {
	line   int64 // line where the record starts, 1-based
	fields []string
	lines  []int64 // per field: line where it starts; nil means line
	cols   []int   // per field: 1-based byte column; nil means field index+1
	// raw is the original text of the record; it is only valid until the
	// next call to the source's next method (clone keeps it).
	raw []byte
}

// pos returns the line and column of field i.
func (r *row) pos(i int) (int64, int) {
	line, col := r.line, i+1
	if r.lines != nil && i < len(r.lines) {
		line = r.lines[i]
	}
	if r.cols != nil && i < len(r.cols) {
		col = r.cols[i]
	}
	return line, col
}

// clone returns a copy of r that does not share memory with the source.
func (r *row) clone() *row {
	c := &row{line: r.line, fields: append([]string(nil), r.fields...), raw: append([]byte(nil), r.raw...)}
	if r.lines != nil {
		c.lines = append([]int64(nil), r.lines...)
	}
	if r.cols != nil {
		c.cols = append([]int(nil), r.cols...)
	}
	return c
}

// badRow is a record the source itself rejects (bad quoting, wrong number
// of fields, not a JSON object, ...).
type badRow struct {
	perr *antipersona.ParseError
	raw  []byte
}

// source yields the records of a file.
type source interface {
	// header returns the column names.
	header() []string
	// next returns the next record, or a rejected one, or io.EOF at the end.
	// Any other error is fatal (an I/O error).
	next() (*row, *badRow, error)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64 // read by the consumer while the JSONL reader goroutine reads
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// input is an opened file: decompressed, its format known, BOM skipped.
type input struct {
	path    string
	f       *os.File
	counter *countingReader
	gz      *gzip.Reader
	br      *bufio.Reader
	format  string // csv, tsv, jsonl or parquet
	tmp     string // decompressed copy of a gzipped Parquet file
}

const peekSize = 64 << 10

// openInput opens path and works out its format.
func openInput(path string, opts Options) (*input, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, antipersona.Errorf(antipersona.ENOTFOUND, "file %s not found", path)
		}
		return nil, antipersona.Errorf(antipersona.EINVALID, "cannot open %s: %v", path, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s is a directory, not a file", path)
	}
	in := &input{path: path, f: f, counter: &countingReader{r: f}}
	in.br = bufio.NewReaderSize(in.counter, peekSize)
	if magic, _ := in.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		in.gz, err = gzip.NewReader(in.br)
		if err != nil {
			in.close()
			return nil, antipersona.Errorf(antipersona.EINVALID, "%s: not a valid gzip file: %v", path, err)
		}
		in.br = bufio.NewReaderSize(in.gz, peekSize)
	}

	name := strings.ToLower(path)
	name = strings.TrimSuffix(name, ".gz")
	in.format = opts.Format
	if in.format == "" {
		switch filepath.Ext(name) {
		case ".csv", ".txt":
			in.format = "csv"
		case ".tsv", ".tab":
			in.format = "tsv"
		case ".jsonl", ".ndjson", ".json":
			in.format = "jsonl"
		case ".parquet", ".pq":
			in.format = "parquet"
		}
	}
	head, err := in.br.Peek(peekSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		in.close()
		return nil, antipersona.Errorf(antipersona.EINVALID, "cannot read %s: %v", path, err)
	}
	if in.format == "" {
		switch {
		case bytes.HasPrefix(head, []byte("PAR1")):
			in.format = "parquet"
		case bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n"), []byte("{")):
			in.format = "jsonl"
		default:
			in.format = "csv"
		}
	}
	if in.format != "parquet" && bytes.HasPrefix(head, bom) {
		in.br.Discard(len(bom))
	}
	return in, nil
}

var bom = []byte("\xef\xbb\xbf")

func (in *input) close() {
	if in.gz != nil {
		in.gz.Close()
	}
	in.f.Close()
	if in.tmp != "" {
		os.Remove(in.tmp)
	}
}

// source returns the row source for the input's format.
func (in *input) source(file string, opts Options) (source, error) {
	switch in.format {
	case "csv", "tsv":
		delim := opts.Delimiter
		if delim == 0 {
			if in.format == "tsv" {
				delim = '\t'
			} else {
				head, _ := in.br.Peek(peekSize)
				delim = detectDelimiter(head)
			}
		}
		return newCSVSource(in.br, file, delim)
	case "jsonl":
		return newJSONSource(in.br, file, opts.SampleRows)
	case "parquet":
		return in.parquetSource(file)
	}
	return nil, antipersona.Errorf(antipersona.EINVALID, "unknown format %q", in.format)
}

// DetectDelimiter is the delimiter of a delimited text whose first bytes
// are head, as ingest detects it (see detectDelimiter).
func DetectDelimiter(head []byte) rune { return detectDelimiter(head) }

// detectDelimiter picks among , ; tab | the delimiter whose count outside
// quotes is the most consistent over the first lines of head: the one for
// which the most lines have the most common non-zero count, ties going to
// the higher count and then to the order , ; tab |. It returns ',' when no
// candidate appears.
func detectDelimiter(head []byte) rune {
	cands := []byte{',', ';', '\t', '|'}
	const maxLines = 50
	counts := make([][]int, len(cands)) // per candidate, per line
	cur := make([]int, len(cands))
	inQuote := false
	lines := 0
	complete := false
	for i := 0; i < len(head) && lines < maxLines; i++ {
		c := head[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\n' && !inQuote:
			for k := range cands {
				counts[k] = append(counts[k], cur[k])
				cur[k] = 0
			}
			lines++
			complete = true
		case !inQuote:
			for k, d := range cands {
				if c == d {
					cur[k]++
				}
			}
		}
	}
	if !complete || lines < maxLines && len(head) < peekSize {
		// The last (unterminated) line is complete when head is the whole file.
		for k := range cands {
			if cur[k] > 0 || !complete {
				counts[k] = append(counts[k], cur[k])
			}
		}
	}
	best, bestScore, bestMode := ',', -1, 0
	for k, d := range cands {
		freq := map[int]int{}
		for _, n := range counts[k] {
			if n > 0 {
				freq[n]++
			}
		}
		mode, score := 0, 0
		for n, f := range freq {
			if f > score || f == score && n > mode {
				mode, score = n, f
			}
		}
		if score == 0 {
			continue
		}
		if score > bestScore || score == bestScore && mode > bestMode {
			best, bestScore, bestMode = rune(d), score, mode
		}
	}
	return best
}

// recorder keeps a copy of the bytes read through it, so that the raw text
// of a CSV record can be cut out by its offsets.
type recorder struct {
	src  io.Reader
	buf  []byte
	base int64 // offset of buf[0] in the stream
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.src.Read(p)
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

// slice returns the recorded bytes [from, to).
func (r *recorder) slice(from, to int64) []byte {
	lo, hi := from-r.base, to-r.base
	lo = max(lo, 0)
	hi = min(hi, int64(len(r.buf)))
	if lo > hi {
		return nil
	}
	return r.buf[lo:hi]
}

// discard forgets the bytes before offset upto (lazily, to avoid copying the
// read-ahead for every record).
func (r *recorder) discard(upto int64) {
	k := upto - r.base
	if k < 64<<10 || k > int64(len(r.buf)) {
		return
	}
	n := copy(r.buf, r.buf[k:])
	r.buf = r.buf[:n]
	r.base = upto
}

// csvSource reads CSV records with encoding/csv, keeping each record's raw
// bytes and restarting after a broken multi-line record.
type csvSource struct {
	file     string
	delim    rune
	rec      *recorder
	cr       *csv.Reader
	crBase   int64 // stream offset of cr's offset 0
	lineBase int64 // lines before cr's line 1
	hdr      []string
	nfields  int   // fields per record, the header's count
	dropLast bool  // the header ends with an empty name (a trailing delimiter)
	consumed int64 // end of the last record; bytes before it may be dropped
	r        row
}

func newCSVSource(src io.Reader, file string, delim rune) (*csvSource, error) {
	s := &csvSource{file: file, delim: delim, rec: &recorder{src: src}}
	s.restart()
	hdr, err := s.cr.Read()
	if err == io.EOF {
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s: empty file: no header line", file)
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, antipersona.Errorf(antipersona.EINVALID, "%s: cannot read the header line: %v", file, pe.Err)
		}
		return nil, fmt.Errorf("read header of %s: %w", file, err)
	}
	s.hdr = make([]string, len(hdr))
	for i, h := range hdr {
		if !utf8.ValidString(h) {
			return nil, antipersona.Errorf(antipersona.EINVALID,
				"%s: the header line is not valid UTF-8 (column %d); convert the file to UTF-8", file, i+1)
		}
		if strings.ContainsRune(h, 0) {
			return nil, antipersona.Errorf(antipersona.EINVALID, "%s: not a text file (NUL byte in the header)", file)
		}
		s.hdr[i] = strings.TrimSpace(h)
	}
	s.nfields = len(s.hdr)
	if n := len(s.hdr); n > 1 && s.hdr[n-1] == "" {
		s.dropLast = true
		s.hdr = s.hdr[:n-1]
	}
	s.consumed = s.crBase + s.cr.InputOffset()
	return s, nil
}

// restart makes a new csv.Reader reading the recorder from its current
// position.
func (s *csvSource) restart() {
	s.cr = csv.NewReader(bufio.NewReaderSize(s.rec, 64<<10))
	s.cr.Comma = s.delim
	s.cr.FieldsPerRecord = -1
	s.cr.ReuseRecord = true
	s.crBase = s.rec.base + int64(len(s.rec.buf))
}

func (s *csvSource) header() []string { return s.hdr }

func (s *csvSource) next() (*row, *badRow, error) {
	// The previous record's raw bytes are no longer needed.
	s.rec.discard(s.consumed)
	start := s.crBase + s.cr.InputOffset()
	fields, err := s.cr.Read()
	end := s.crBase + s.cr.InputOffset()
	if err == io.EOF {
		return nil, nil, io.EOF
	}
	raw := skipEmptyLines(s.rec.slice(start, end))
	s.consumed = end
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return nil, nil, fmt.Errorf("read %s: %w", s.file, err)
		}
		perr := &antipersona.ParseError{File: s.file, Line: s.lineBase + int64(pe.Line), Column: pe.Column, Err: quoteError(pe.Err)}
		if pe.StartLine < pe.Line {
			// A broken quote swallowed the following lines: reject the
			// record's first line only and read again from the next one.
			nl := bytes.IndexByte(raw, '\n')
			first := raw[:nl+1]
			perr.Line, perr.Column = s.lineBase+int64(pe.StartLine), 0
			perr.Err = fmt.Errorf("%v (a quoted field is not closed on this line; the following lines are read as new records)", quoteError(pe.Err))
			restartAt := end - int64(len(raw)) + int64(nl+1)
			rest := append([]byte(nil), s.rec.slice(restartAt, s.rec.base+int64(len(s.rec.buf)))...)
			rawCopy := append([]byte(nil), first...)
			s.rec = &recorder{src: io.MultiReader(bytes.NewReader(rest), s.rec.src), base: restartAt}
			s.lineBase += int64(pe.StartLine)
			s.restart()
			s.consumed = restartAt
			return nil, &badRow{perr: perr, raw: rawCopy}, nil
		}
		return nil, &badRow{perr: perr, raw: raw}, nil
	}
	line, _ := s.cr.FieldPos(0)
	r := &s.r
	r.line = s.lineBase + int64(line)
	r.raw = raw
	if len(fields) != s.nfields {
		return nil, &badRow{raw: raw, perr: &antipersona.ParseError{File: s.file, Line: r.line,
			Err: fmt.Errorf("expected %d fields, found %d", s.nfields, len(fields))}}, nil
	}
	r.lines = r.lines[:0]
	r.cols = r.cols[:0]
	for i := range fields {
		l, c := s.cr.FieldPos(i)
		r.lines = append(r.lines, s.lineBase+int64(l))
		r.cols = append(r.cols, c)
	}
	if s.dropLast {
		last := len(fields) - 1
		if strings.TrimSpace(fields[last]) != "" {
			return nil, &badRow{raw: raw, perr: &antipersona.ParseError{File: s.file, Line: r.lines[last], Column: r.cols[last],
				Err: fmt.Errorf("unexpected value in the unnamed last column %d", last+1)}}, nil
		}
		fields = fields[:last]
	}
	r.fields = fields
	return r, nil, nil
}

// quoteError rewords encoding/csv's quote errors for users.
func quoteError(err error) error {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return errors.New(`bare quote in an unquoted field (quote the whole field and double inner quotes: "a ""b"" c")`)
	case errors.Is(err, csv.ErrQuote):
		return errors.New(`misplaced or missing quote in a quoted field`)
	}
	return err
}

// skipEmptyLines drops the empty lines encoding/csv skips before a record.
func skipEmptyLines(b []byte) []byte {
	for {
		switch {
		case bytes.HasPrefix(b, []byte("\n")):
			b = b[1:]
		case bytes.HasPrefix(b, []byte("\r\n")):
			b = b[2:]
		default:
			return b
		}
	}
}

// lineReader reads lines of at most max bytes.
type lineReader struct {
	br   *bufio.Reader
	max  int
	buf  []byte
	line int64
}

// next returns the next line without its line break, its 1-based number,
// and whether it was longer than max (then only its first max bytes are
// returned). The line is valid until the next call.
func (l *lineReader) next() (text []byte, lineNo int64, tooLong bool, err error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.br.ReadSlice('\n')
		if len(l.buf)+len(chunk) <= l.max {
			l.buf = append(l.buf, chunk...)
		} else {
			tooLong = true
			if room := l.max - len(l.buf); room > 0 {
				l.buf = append(l.buf, chunk[:room]...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, 0, false, err
		}
		if len(l.buf) == 0 && err == io.EOF && !tooLong {
			return nil, 0, false, io.EOF
		}
		l.line++
		return trimNewline(l.buf), l.line, tooLong, nil
	}
}
