package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"

	"github.com/antipersona/antipersona"
)

// parquetSource reads any Parquet file with flat columns generically: each
// leaf column is a column (nested paths joined with '.', the list wrappers
// dropped), each value its string form (timestamps RFC 3339 in UTC, dates
// 2006-01-02, decimals scaled, booleans true/false), repeated values joined
// with '|', nulls empty. The raw text of a row, for the rejects file, is its
// values as one CSV record.
type parquetSource struct {
	file   string
	pf     *parquet.File
	rd     *parquet.Reader
	hdr    []string
	leaves []parquet.Node
	buf    []parquet.Row
	n, i   int   // rows in buf, next row in buf
	rowNo  int64 // rows returned so far
	r      row
	rawBuf bytes.Buffer
	cw     *csv.Writer
}

// parquetSource opens the input as Parquet. A gzipped Parquet file is first
// decompressed to a temporary file (Parquet needs random access).
func (in *input) parquetSource(file string) (src source, err error) {
	var ra io.ReaderAt = in.f
	var size int64
	if in.gz != nil {
		tmp, err := os.CreateTemp("", "antipersona-*.parquet")
		if err != nil {
			return nil, fmt.Errorf("decompress %s: %w", file, err)
		}
		in.tmp = tmp.Name()
		size, err = io.Copy(tmp, in.br)
		if err != nil {
			tmp.Close()
			return nil, antipersona.Errorf(antipersona.EINVALID, "%s: cannot decompress: %v", file, err)
		}
		tmp.Close()
		f, err := os.Open(in.tmp)
		if err != nil {
			return nil, fmt.Errorf("decompress %s: %w", file, err)
		}
		in.f.Close()
		in.f = f
		ra = f
	} else {
		st, err := in.f.Stat()
		if err != nil {
			return nil, fmt.Errorf("stat %s: %w", file, err)
		}
		size = st.Size()
		ra = &countingReaderAt{r: in.f, c: in.counter, size: size}
	}
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, antipersona.Errorf(antipersona.EINVALID, "%s: not a valid Parquet file: %v", file, p)
		}
	}()
	pf, err := parquet.OpenFile(ra, size)
	if err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s: not a valid Parquet file: %v", file, err)
	}
	s := &parquetSource{file: file, pf: pf, rd: parquet.NewReader(pf), buf: make([]parquet.Row, 256)}
	schema := pf.Schema()
	for _, path := range schema.Columns() {
		leaf, ok := schema.Lookup(path...)
		if !ok {
			return nil, antipersona.Errorf(antipersona.EINVALID, "%s: cannot resolve Parquet column %s", file, strings.Join(path, "."))
		}
		for len(s.leaves) <= leaf.ColumnIndex {
			s.leaves = append(s.leaves, nil)
			s.hdr = append(s.hdr, "")
		}
		s.leaves[leaf.ColumnIndex] = leaf.Node
		s.hdr[leaf.ColumnIndex] = parquetColumnName(path)
	}
	if len(s.hdr) == 0 {
		return nil, antipersona.Errorf(antipersona.EINVALID, "%s: the Parquet file has no columns", file)
	}
	s.cw = csv.NewWriter(&s.rawBuf)
	return s, nil
}

// parquetColumnName joins a leaf path, dropping the wrappers of the LIST and
// MAP encodings ("tags.list.element" -> "tags").
func parquetColumnName(path []string) string {
	var parts []string
	for i, p := range path {
		if i > 0 {
			switch p {
			case "list", "element", "item", "array", "bag", "key_value":
				continue
			}
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ".")
}

func (s *parquetSource) header() []string { return s.hdr }

func (s *parquetSource) next() (r *row, bad *badRow, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, bad, err = nil, nil, antipersona.Errorf(antipersona.EINVALID, "%s: corrupt Parquet data near row %d: %v", s.file, s.rowNo+1, p)
		}
	}()
	if s.i >= s.n {
		n, err := s.rd.ReadRows(s.buf)
		if n == 0 {
			if err == nil || err == io.EOF {
				return nil, nil, io.EOF
			}
			return nil, nil, antipersona.Errorf(antipersona.EINVALID, "%s: cannot read Parquet rows: %v", s.file, err)
		}
		s.n, s.i = n, 0
	}
	prow := s.buf[s.i]
	s.i++
	s.rowNo++
	r = &s.r
	r.line = s.rowNo + 1
	r.lines, r.cols = nil, nil
	if cap(r.fields) < len(s.hdr) {
		r.fields = make([]string, len(s.hdr))
	}
	r.fields = r.fields[:len(s.hdr)]
	clear(r.fields)
	prow.Range(func(col int, values []parquet.Value) bool {
		if col >= len(s.leaves) {
			return false
		}
		var parts []string
		for _, v := range values {
			if v.IsNull() {
				continue
			}
			parts = append(parts, parquetString(s.leaves[col], v))
		}
		r.fields[col] = strings.Join(parts, "|")
		return true
	})
	s.rawBuf.Reset()
	s.cw.Write(r.fields)
	s.cw.Flush()
	r.raw = s.rawBuf.Bytes()
	return r, nil, nil
}

// parquetString formats one non-null value of a leaf column.
func parquetString(node parquet.Node, v parquet.Value) string {
	t := node.Type()
	if lt := t.LogicalType(); lt != nil && lt.Value != nil {
		switch x := lt.Value.(type) {
		case *format.TimestampType:
			return timestampString(v, x.Unit.Value)
		case *format.DateType:
			return time.Unix(int64(v.Int32())*86400, 0).UTC().Format("2006-01-02")
		case *format.DecimalType:
			return decimalString(v, int(x.Scale))
		case *format.TimeType:
			d := timeUnitDuration(v, x.Unit.Value)
			return time.Time{}.Add(d).Format("15:04:05.999999999")
		case *format.IntType:
			if !x.IsSigned {
				if v.Kind() == parquet.Int64 {
					return strconv.FormatUint(v.Uint64(), 10)
				}
				return strconv.FormatUint(uint64(v.Uint32()), 10)
			}
		case *format.UUIDType:
			b := v.ByteArray()
			if len(b) == 16 {
				h := hex.EncodeToString(b)
				return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
			}
		}
	}
	if ct := t.ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.TimestampMillis:
			return time.UnixMilli(v.Int64()).UTC().Format(time.RFC3339Nano)
		case deprecated.TimestampMicros:
			return time.UnixMicro(v.Int64()).UTC().Format(time.RFC3339Nano)
		case deprecated.Date:
			return time.Unix(int64(v.Int32())*86400, 0).UTC().Format("2006-01-02")
		}
	}
	switch v.Kind() {
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean())
	case parquet.Int32:
		return strconv.FormatInt(int64(v.Int32()), 10)
	case parquet.Int64:
		return strconv.FormatInt(v.Int64(), 10)
	case parquet.Int96:
		// Legacy timestamp: nanoseconds of the day, then the Julian day.
		i := v.Int96()
		nanos := int64(i[1])<<32 | int64(i[0])
		day := int64(i[2])
		return time.Unix((day-2440588)*86400, nanos).UTC().Format(time.RFC3339Nano)
	case parquet.Float:
		return strconv.FormatFloat(float64(v.Float()), 'g', -1, 32)
	case parquet.Double:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	}
	return string(v.ByteArray())
}

func timeUnitDuration(v parquet.Value, unit format.TimeUnitValue) time.Duration {
	n := v.Int64()
	if v.Kind() == parquet.Int32 {
		n = int64(v.Int32())
	}
	if unit == nil {
		return time.Duration(n) * time.Millisecond
	}
	return time.Duration(n) * unit.Duration()
}

func timestampString(v parquet.Value, unit format.TimeUnitValue) string {
	n := v.Int64()
	var t time.Time
	switch unit.(type) {
	case *format.MilliSeconds:
		t = time.UnixMilli(n)
	case *format.MicroSeconds:
		t = time.UnixMicro(n)
	default:
		t = time.Unix(0, n)
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// decimalString formats a DECIMAL value (INT32, INT64 or big-endian two's
// complement bytes) with its scale.
func decimalString(v parquet.Value, scale int) string {
	var n big.Int
	switch v.Kind() {
	case parquet.Int32:
		n.SetInt64(int64(v.Int32()))
	case parquet.Int64:
		n.SetInt64(v.Int64())
	default:
		b := v.ByteArray()
		n.SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			var m big.Int
			m.Lsh(big.NewInt(1), uint(8*len(b)))
			n.Sub(&n, &m)
		}
	}
	if scale <= 0 {
		return n.String()
	}
	r := new(big.Rat).SetFrac(&n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	return strings.TrimRight(strings.TrimRight(r.FloatString(scale), "0"), ".")
}

// countingReaderAt counts the bytes read through ReadAt into c (capped at
// the file size) so that Progress works for Parquet files too.
type countingReaderAt struct {
	r    io.ReaderAt
	c    *countingReader
	size int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.c.n.Store(min(c.c.n.Load()+int64(n), c.size))
	return n, err
}
