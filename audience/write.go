package audience

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// checkRows validates every row before anything is written, so that a data
// error leaves no partial file behind.
func checkRows(rows []Row) error {
	for i := range rows {
		if err := checkRow(i, &rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// formatFloat writes v in the shortest form that reads back exactly.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// WriteCSV writes rows as a CSV file (RFC 4180, comma, "\n" line ends) with
// the header
//
//	contact_id,email_sha256,phone_sha256,country,postal_code,action,expected_value,personas
//
// followed by ",op" when any row has an Op. Email and phone are normalised
// (the member's Country is the phone's default region) and hashed with Hash;
// names are not written; country is ISO 3166-1 alpha-2 uppercase; postal code
// is normalised with NormalizePostalCode; personas are joined with '|';
// expected_value is the shortest decimal that reads back exactly.
// Identifiers that do not normalise are left empty and counted in
// Stats.Dropped.
//
// WriteCSV returns an error, before writing anything, when a row has an
// unknown Op or a non-finite ExpectedValue; otherwise it returns the first
// error of w.
func WriteCSV(w io.Writer, rows []Row) (Stats, error) {
	withOp := anyOp(rows)
	header := []string{"contact_id", "email_sha256", "phone_sha256", "country", "postal_code", "action", "expected_value", "personas"}
	if withOp {
		header = append(header, "op")
	}
	return writeCSV(w, rows, header, func(n *normalizer, row *Row, rec []string) bool {
		r := n.toRecord(row)
		rec[0], rec[1], rec[2], rec[3] = r.ContactID, r.EmailSHA256, r.PhoneSHA256, r.Country
		rec[4], rec[5], rec[6], rec[7] = r.PostalCode, r.Action, formatFloat(r.ExpectedValue), strings.Join(r.Personas, "|")
		if withOp {
			rec[8] = r.Op
		}
		return true
	})
}

// jsonRecord is the JSON form of a record; the field order is the key order.
type jsonRecord struct {
	ContactID     string   `json:"contact_id"`
	EmailSHA256   string   `json:"email_sha256"`
	PhoneSHA256   string   `json:"phone_sha256"`
	Country       string   `json:"country"`
	PostalCode    string   `json:"postal_code"`
	Action        string   `json:"action"`
	ExpectedValue float64  `json:"expected_value"`
	Personas      []string `json:"personas"`
	Op            *string  `json:"op,omitempty"`
}

func (r *record) json(withOp bool) jsonRecord {
	j := jsonRecord{
		ContactID:     r.ContactID,
		EmailSHA256:   r.EmailSHA256,
		PhoneSHA256:   r.PhoneSHA256,
		Country:       r.Country,
		PostalCode:    r.PostalCode,
		Action:        r.Action,
		ExpectedValue: r.ExpectedValue,
		Personas:      r.Personas,
	}
	if j.Personas == nil {
		j.Personas = []string{}
	}
	if withOp {
		op := r.Op
		j.Op = &op
	}
	return j
}

// WriteJSON writes rows as a JSON array of objects, one object a line, with
// the keys contact_id, email_sha256, phone_sha256, country, postal_code,
// action, expected_value (a number), personas (an array of ids, never null)
// and, when any row has an Op, op. Values follow WriteCSV; a missing or
// dropped identifier is "". No rows give "[]".
//
// WriteJSON returns an error, before writing anything, when a row has an
// unknown Op or a non-finite ExpectedValue; otherwise it returns the first
// error of w.
func WriteJSON(w io.Writer, rows []Row) (Stats, error) {
	var st Stats
	if err := checkRows(rows); err != nil {
		return st, err
	}
	withOp := anyOp(rows)
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	var n normalizer
	for i := range rows {
		r := n.toRecord(&rows[i])
		b, err := json.Marshal(r.json(withOp))
		if err != nil {
			return st, fmt.Errorf("audience: write json: %w", err)
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		bw.Write(b)
		st.Rows++
	}
	st.Dropped = n.dropped
	if len(rows) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	if err := bw.Flush(); err != nil {
		return Stats{Dropped: st.Dropped}, fmt.Errorf("audience: write json: %w", err)
	}
	return st, nil
}

// parquetRecord is the Parquet schema of WriteParquet without op.
type parquetRecord struct {
	ContactID     string   `parquet:"contact_id"`
	EmailSHA256   string   `parquet:"email_sha256,optional"`
	PhoneSHA256   string   `parquet:"phone_sha256,optional"`
	Country       string   `parquet:"country,optional"`
	PostalCode    string   `parquet:"postal_code,optional"`
	Action        string   `parquet:"action"`
	ExpectedValue float64  `parquet:"expected_value"`
	Personas      []string `parquet:"personas,list"`
}

// parquetRecordOp is the Parquet schema of WriteParquet with op.
type parquetRecordOp struct {
	ContactID     string   `parquet:"contact_id"`
	EmailSHA256   string   `parquet:"email_sha256,optional"`
	PhoneSHA256   string   `parquet:"phone_sha256,optional"`
	Country       string   `parquet:"country,optional"`
	PostalCode    string   `parquet:"postal_code,optional"`
	Action        string   `parquet:"action"`
	ExpectedValue float64  `parquet:"expected_value"`
	Personas      []string `parquet:"personas,list"`
	Op            string   `parquet:"op"`
}

// WriteParquet writes rows as a Parquet file with the columns of WriteCSV:
// contact_id, action and op (when any row has an Op) are required strings;
// email_sha256, phone_sha256, country and postal_code are optional strings,
// null when missing or dropped; expected_value is a double; personas is a
// list of strings. Values follow WriteCSV.
//
// WriteParquet returns an error, before writing anything, when a row has an
// unknown Op or a non-finite ExpectedValue; otherwise it returns the first
// error of w.
func WriteParquet(w io.Writer, rows []Row) (Stats, error) {
	var st Stats
	if err := checkRows(rows); err != nil {
		return st, err
	}
	var n normalizer
	recs := make([]record, len(rows))
	for i := range rows {
		recs[i] = n.toRecord(&rows[i])
	}
	st.Dropped = n.dropped
	var err error
	if anyOp(rows) {
		err = writeParquet(w, recs, func(r *record) parquetRecordOp {
			return parquetRecordOp{r.ContactID, r.EmailSHA256, r.PhoneSHA256, r.Country, r.PostalCode, r.Action, r.ExpectedValue, r.Personas, r.Op}
		})
	} else {
		err = writeParquet(w, recs, func(r *record) parquetRecord {
			return parquetRecord{r.ContactID, r.EmailSHA256, r.PhoneSHA256, r.Country, r.PostalCode, r.Action, r.ExpectedValue, r.Personas}
		})
	}
	if err != nil {
		return st, fmt.Errorf("audience: write parquet: %w", err)
	}
	st.Rows = len(rows)
	return st, nil
}

func writeParquet[T any](w io.Writer, recs []record, conv func(*record) T) error {
	pw := parquet.NewGenericWriter[T](w)
	const chunk = 4096
	buf := make([]T, 0, min(chunk, len(recs)))
	for i := range recs {
		buf = append(buf, conv(&recs[i]))
		if len(buf) == chunk {
			if _, err := pw.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		if _, err := pw.Write(buf); err != nil {
			return err
		}
	}
	return pw.Close()
}
