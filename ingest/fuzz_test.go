package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// fuzzIngest runs File on data saved as name and checks the invariants that
// hold for any input: no panic, either an EINVALID error (nothing could be
// read, missing columns) or every row accounted for, and the rejects file
// holding exactly the rejected rows.
func fuzzIngest(t *testing.T, name string, data []byte, kind antipersona.Kind) {
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rej := NewRejectWriter(filepath.Join(dir, "rejects"), kind, time.Unix(0, 0))
	sink := &recordingSink{}
	res, err := File(context.Background(), path, Options{Kind: kind, SampleRows: 20, BatchRows: 5}, sink, rej)
	if cerr := rej.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		if antipersona.ErrorCode(err) != antipersona.EINVALID {
			t.Fatalf("error %v is not EINVALID", err)
		}
		return
	}
	if got := res.Loaded + res.Rejected + res.Duplicates + res.Skipped; got != res.Read {
		t.Fatalf("Read %d != Loaded %d + Rejected %d + Duplicates %d + Skipped %d", res.Read, res.Loaded, res.Rejected, res.Duplicates, res.Skipped)
	}
	if rej.Count() != res.Rejected || int64(len(readRejects(t, rej.Path()))) != res.Rejected {
		t.Fatalf("rejects file holds %d records, Rejected = %d", rej.Count(), res.Rejected)
	}
	if sink.maxBatch > 5 {
		t.Fatalf("batch of %d records", sink.maxBatch)
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"id,age,city\n1,30,Kraków\n2,abc,\"Hà\nNội\"\n,5,x\n",
		"\xef\xbb\xbfcontact_id;spend\r\na;12,50\r\nb;\"3\r\n",
		"order_id,customer_id,date,total,status\no1,c1,2024-01-02,10,paid\no2,c1,2024-01-03,-5,\no3,c2,x,1,refunded\n",
		"InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice\n1,c,2024-01-01 10:00:00,2,1.5\nC2,c,2024-01-02 10:00:00,-1,1.5\n",
		"id,n\n1,\"unterminated\n2,x\n3,\"a\"\"b\"\n",
		"id|x|\n1|\xff|\n2|a|b\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzIngest(t, "f.csv", data, antipersona.KindContacts)
		fuzzIngest(t, "f.csv", data, antipersona.KindOrders)
	})
}

func FuzzJSONLContacts(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","age":34,"tags":["x","y"],"addr":{"city":"Kraków"}}` + "\n\n" + `{"id":"b","age":"x"}` + "\n[1]\n{bad\n",
		`{"id":1,"vip":true}` + "\n" + `{"id":null}` + "\n" + `{"id":"c","new":1}` + "\n",
		"{\"id\":\"\xff\"}\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzIngest(t, "f.jsonl", data, antipersona.KindContacts)
	})
}

func FuzzJSONLEvents(f *testing.F) {
	for _, s := range []string{
		`{"type":"track","userId":"u","event":"Order Completed","timestamp":"2024-01-01T00:00:00Z","properties":{"order_id":"o","total":5}}` + "\n" +
			`{"type":"identify","userId":"u","anonymousId":"a","timestamp":1700000000}` + "\n\n{x\n",
		"{}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzIngest(t, "f.jsonl", data, antipersona.KindEvents)
	})
}
