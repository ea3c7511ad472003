package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/antipersona/antipersona"
)

// jsonSource reads JSON Lines whose lines are flat objects (contacts and the
// other non-event kinds): the keys are the columns. The columns are the keys
// met in the first SampleRows lines, in order of appearance; a later line
// with another key is rejected. Arrays become '|'-joined values, nested
// objects their JSON text, null an empty (missing) value, numbers and
// booleans their JSON text. Empty lines are not rows.
type jsonSource struct {
	file   string
	lr     *lineReader
	hdr    []string
	index  map[string]int
	queue  []jsonLine
	sample int
	r      row
}

type jsonLine struct {
	line int64
	raw  []byte
	kvs  []jsonKV
	bad  *badRow
}

type jsonKV struct {
	key, val string
	col      int
}

func newJSONSource(br *bufio.Reader, file string, sampleRows int) (*jsonSource, error) {
	s := &jsonSource{file: file, lr: &lineReader{br: br, max: maxLine}, index: map[string]int{}, sample: sampleRows}
	objects := 0
	for len(s.queue) < sampleRows {
		jl, err := s.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		jl.raw = append([]byte(nil), jl.raw...)
		if jl.bad != nil {
			jl.bad.raw = jl.raw
		} else {
			objects++
			for _, kv := range jl.kvs {
				if _, ok := s.index[kv.key]; !ok {
					s.index[kv.key] = len(s.hdr)
					s.hdr = append(s.hdr, kv.key)
				}
			}
		}
		s.queue = append(s.queue, jl)
	}
	if len(s.queue) == 0 {
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s: empty file: no JSON lines", file)
	}
	if objects == 0 {
		return nil, antipersona.Errorf(antipersona.EINVALID,
			"%s: not a JSON Lines file: none of the first %d lines is a JSON object (%v)", file, len(s.queue), s.queue[0].bad.perr.Err)
	}
	return s, nil
}

func (s *jsonSource) header() []string { return s.hdr }

// read reads and parses the next non-empty line.
func (s *jsonSource) read() (jsonLine, error) {
	for {
		text, lineNo, tooLong, err := s.lr.next()
		if err != nil {
			return jsonLine{}, err
		}
		if len(bytes.TrimSpace(text)) == 0 && !tooLong {
			continue
		}
		jl := jsonLine{line: lineNo, raw: text}
		if tooLong {
			jl.bad = &badRow{raw: text, perr: &antipersona.ParseError{File: s.file, Line: lineNo,
				Err: fmt.Errorf("line longer than %d bytes (raw truncated)", maxLine)}}
			return jl, nil
		}
		kvs, col, perr := parseObject(text)
		if perr != nil {
			jl.bad = &badRow{raw: text, perr: &antipersona.ParseError{File: s.file, Line: lineNo, Column: col, Err: perr}}
			return jl, nil
		}
		jl.kvs = kvs
		return jl, nil
	}
}

func (s *jsonSource) next() (*row, *badRow, error) {
	var jl jsonLine
	if len(s.queue) > 0 {
		jl = s.queue[0]
		s.queue = s.queue[1:]
	} else {
		var err error
		jl, err = s.read()
		if err != nil {
			if err == io.EOF {
				return nil, nil, io.EOF
			}
			return nil, nil, fmt.Errorf("read %s: %w", s.file, err)
		}
	}
	if jl.bad != nil {
		return nil, jl.bad, nil
	}
	r := &s.r
	r.line, r.raw = jl.line, jl.raw
	r.fields = make([]string, len(s.hdr))
	if cap(r.cols) < len(s.hdr) {
		r.cols = make([]int, len(s.hdr))
	}
	r.cols = r.cols[:len(s.hdr)]
	clear(r.cols)
	r.lines = nil
	for _, kv := range jl.kvs {
		i, ok := s.index[kv.key]
		if !ok {
			return nil, &badRow{raw: jl.raw, perr: &antipersona.ParseError{File: s.file, Line: jl.line, Column: kv.col,
				Err: fmt.Errorf("key %q is not among the columns of the first %d lines", truncate(kv.key, 40), s.sample)}}, nil
		}
		r.fields[i] = kv.val
		r.cols[i] = kv.col
	}
	return r, nil, nil
}

// parseObject parses one JSON object line into its keys and values. On
// failure it returns the 1-based byte column of the problem and the reason.
func parseObject(line []byte) ([]jsonKV, int, error) {
	if !utf8.Valid(line) {
		off := 0
		for off < len(line) {
			r, size := utf8.DecodeRune(line[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, off + 1, fmt.Errorf("invalid UTF-8 at byte offset %d of the line", off)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	syntaxCol := func(err error) (int, error) {
		// The streaming decoder's offsets are not positions in the line:
		// validate the whole line again to locate the error.
		var v any
		uerr := json.Unmarshal(line, &v)
		var se *json.SyntaxError
		if errors.As(uerr, &se) {
			return max(int(se.Offset), 1), fmt.Errorf("invalid JSON: %v", se)
		}
		return int(dec.InputOffset()) + 1, fmt.Errorf("invalid JSON: %v", err)
	}
	tok, err := dec.Token()
	if err != nil {
		col, e := syntaxCol(err)
		return nil, col, e
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		first := len(line) - len(bytes.TrimLeft(line, " \t\r"))
		return nil, first + 1, errors.New("line is not a JSON object")
	}
	var kvs []jsonKV
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			col, e := syntaxCol(err)
			return nil, col, e
		}
		key, _ := tok.(string)
		// The value starts after the ':' that follows the key.
		off := int(dec.InputOffset())
		for off < len(line) && (line[off] == ' ' || line[off] == '\t' || line[off] == ':' || line[off] == '\r') {
			off++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			col, e := syntaxCol(err)
			return nil, col, e
		}
		kvs = append(kvs, jsonKV{key: key, val: jsonText(raw), col: off + 1})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		col, e := syntaxCol(err)
		return nil, col, e
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			col, e := syntaxCol(err)
			return nil, col, e
		}
		for end < len(line) && (line[end] == ' ' || line[end] == '\t' || line[end] == '\r') {
			end++
		}
		return nil, end + 1, errors.New("unexpected data after the JSON object")
	}
	return kvs, 0, nil
}

// jsonText is the string form of a JSON value as a column value.
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case 'n':
		return ""
	case '[':
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) == nil {
			parts := make([]string, 0, len(elems))
			for _, e := range elems {
				if t := jsonText(e); t != "" {
					parts = append(parts, t)
				}
			}
			return strings.Join(parts, "|")
		}
	case '{':
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.String()
		}
	}
	return string(raw)
}

// truncate shortens s to at most n runes for messages.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
