package ingest

import (
	"strings"
	"testing"

	"github.com/antipersona/antipersona"
)

// TestRejectReasons has one case per distinct reject reason. Each file holds
// exactly one bad row; the expected line and column were counted by hand in
// the content (columns are 1-based byte columns of the field, or of the JSON
// value, in its line; 0 when the problem is the whole row).
func TestRejectReasons(t *testing.T) {
	const (
		contacts = antipersona.KindContacts
		events   = antipersona.KindEvents
		orders   = antipersona.KindOrders
		costs    = antipersona.KindCosts
		touches  = antipersona.KindTouches
		surveys  = antipersona.KindSurveyAnswers
	)
	orderCols := "order_id,customer_id,order_date,total,margin,cost,discount,status\n"
	tests := []struct {
		name    string
		kind    antipersona.Kind
		file    string // file name (the extension picks the format)
		content string
		opts    Options
		loaded  int64 // good rows in the file
		line    int64
		col     int
		colName string
		reason  string // exact, or a prefix when it ends with "…"
		raw     string
	}{
		// Record-level problems found by the CSV reader.
		{name: "wrong number of fields", kind: contacts, file: "c.csv", content: "id,age\n1,30\n2\n",
			loaded: 1, line: 3, reason: "expected 2 fields, found 1", raw: "2"},
		{name: "bare quote", kind: contacts, file: "c.csv", content: "id,n\n1,a\"b\n2,x\n",
			// '1'=1 ','=2 'a'=3 '"'=4
			loaded: 1, line: 2, col: 4, reason: `bare quote in an unquoted field (quote the whole field and double inner quotes: "a ""b"" c")`, raw: "1,a\"b"},
		{name: "misplaced quote", kind: contacts, file: "c.csv", content: "id,n\n1,\"ab\"c\n2,x\n",
			// the closing quote is byte 6 of `1,"ab"c`
			loaded: 1, line: 2, col: 6, reason: "misplaced or missing quote in a quoted field", raw: "1,\"ab\"c"},
		{name: "unclosed quote swallowing later lines", kind: contacts, file: "c.csv", content: "id,n\n1,\"abc\n2,x\n",
			loaded: 1, line: 2, reason: "misplaced or missing quote in a quoted field (a quoted field is not closed on this line; the following lines are read as new records)", raw: "1,\"abc"},
		{name: "invalid UTF-8", kind: contacts, file: "c.csv", content: "id,city\n1,Kra\xffk\n2,Hanoi\n",
			// the field starts at column 3; the bad byte is at offset 3 of "Kra\xffk"
			loaded: 1, line: 2, col: 3, colName: "city", reason: "invalid UTF-8 at byte offset 3 of the field", raw: "1,Kra\xffk"},
		{name: "invalid UTF-8 in a multi-line field", kind: contacts, file: "c.csv", content: "id,note\n1,\"ab\ncd\xff\"\n2,x\n",
			// the field starts on line 2 at column 3 (its opening quote); the
			// bad byte is at offset 5 of "ab\ncd\xff"
			loaded: 1, line: 2, col: 3, colName: "note", reason: "invalid UTF-8 at byte offset 5 of the field", raw: "1,\"ab\ncd\xff\""},
		{name: "value in the unnamed trailing column", kind: contacts, file: "c.csv", content: "id,age,\n1,30,\n2,31,x\n",
			loaded: 1, line: 3, col: 6, reason: "unexpected value in the unnamed last column 3", raw: "2,31,x"},

		// Contacts.
		{name: "missing contact id", kind: contacts, file: "c.csv", content: "id,age\n1,30\n  ,31\n",
			loaded: 1, line: 3, col: 1, colName: "id", reason: "missing contact id", raw: "  ,31"},
		{name: "not a number", kind: contacts, file: "c.csv", content: "id,age\n1,30\n2,abc\n", opts: Options{SampleRows: 1},
			loaded: 1, line: 3, col: 3, colName: "age",
			reason: `column "age": "abc" is not a number (type number inferred from the first 1 rows; override it in antipersona.yaml)`, raw: "2,abc"},
		{name: "not a date", kind: contacts, file: "c.csv", content: "id,joined\n1,2024-01-02\n2,yesterday\n", opts: Options{SampleRows: 1},
			loaded: 1, line: 3, col: 3, colName: "joined",
			reason: `column "joined": "yesterday" is not a date (type date inferred from the first 1 rows; expected ISO dates like 2006-01-02 or 2006-01-02T15:04:05Z; override it in antipersona.yaml)`, raw: "2,yesterday"},
		{name: "not a boolean", kind: contacts, file: "c.csv", content: "id,vip\n1,yes\n2,maybe\n", opts: Options{SampleRows: 1},
			loaded: 1, line: 3, col: 3, colName: "vip",
			reason: `column "vip": "maybe" is not a boolean (type boolean inferred from the first 1 rows; override it in antipersona.yaml)`, raw: "2,maybe"},
		{name: "type from antipersona.yaml", kind: contacts, file: "c.csv", content: "id,age\n1,abc\n",
			opts:   Options{TraitOverrides: map[string]TraitOverride{"age": {Type: antipersona.TraitNumber}}},
			loaded: 0, line: 2, col: 3, colName: "age",
			reason: `column "age": "abc" is not a number (type number set in antipersona.yaml; override it in antipersona.yaml)`, raw: "1,abc"},
		{name: "creation time not a date", kind: contacts, file: "c.csv", content: "id,created_at\n1,2024-01-02\n2,soon\n", opts: Options{SampleRows: 1},
			loaded: 1, line: 3, col: 3, colName: "created_at",
			reason: `column "created_at": "soon" is not a date (expected ISO dates like 2006-01-02 or 2006-01-02T15:04:05Z, chosen from the first 1 rows)`, raw: "2,soon"},

		// JSON Lines contacts.
		{name: "JSON line not an object", kind: contacts, file: "c.jsonl", content: "{\"id\":\"1\"}\n  [1,2]\n",
			loaded: 1, line: 2, col: 3, reason: "line is not a JSON object", raw: "  [1,2]"},
		{name: "JSON syntax error", kind: contacts, file: "c.jsonl", content: "{\"id\":\"1\"}\n{\"id\": }\n",
			// the decoder stops at the '}' in column 8
			loaded: 1, line: 2, col: 8, reason: "invalid JSON: invalid character '}' looking for beginning of value", raw: "{\"id\": }"},
		{name: "JSON data after the object", kind: contacts, file: "c.jsonl", content: "{\"id\":\"1\"}\n{\"id\":\"2\"} x\n",
			loaded: 1, line: 2, col: 12, reason: "invalid JSON: invalid character 'x' after top-level value", raw: "{\"id\":\"2\"} x"},
		{name: "JSON value after the object", kind: contacts, file: "c.jsonl", content: "{\"id\":\"1\"}\n{\"id\":\"2\"} 3\n",
			// the extra value 3 is at column 12
			loaded: 1, line: 2, col: 12, reason: "unexpected data after the JSON object", raw: "{\"id\":\"2\"} 3"},
		{name: "JSON key not in the sampled lines", kind: contacts, file: "c.jsonl", content: "{\"id\":\"1\"}\n{\"id\":\"2\", \"x\": 1}\n",
			opts: Options{SampleRows: 1},
			// `{"id":"2", "x": 1}`: the value 1 is at column 17
			loaded: 1, line: 2, col: 17, reason: `key "x" is not among the columns of the first 1 lines`, raw: "{\"id\":\"2\", \"x\": 1}"},
		{name: "JSON invalid UTF-8", kind: contacts, file: "c.jsonl", content: "{\"id\":\"1\"}\n{\"id\":\"\xff\"}\n",
			loaded: 1, line: 2, col: 8, reason: "invalid UTF-8 at byte offset 7 of the line", raw: "{\"id\":\"\xff\"}"},

		// Events from CSV.
		{name: "event without contact or anonymous id", kind: events, file: "e.csv",
			content: "user_id,timestamp,event\nu1,2024-01-02T10:00:00Z,Signed Up\n,2024-01-02T10:00:00Z,Signed Up\n",
			loaded:  1, line: 3, col: 1, colName: "user_id", reason: "missing contact id and anonymous id", raw: ",2024-01-02T10:00:00Z,Signed Up"},
		{name: "event without time", kind: events, file: "e.csv",
			content: "user_id,timestamp,event\nu1,2024-01-02T10:00:00Z,Signed Up\nu2,,Signed Up\n",
			loaded:  1, line: 3, col: 4, colName: "timestamp", reason: "missing time", raw: "u2,,Signed Up"},
		{name: "event time not a date", kind: events, file: "e.csv",
			content: "user_id,timestamp,event\nu1,2024-01-02T10:00:00Z,Signed Up\nu2,later,Signed Up\n",
			loaded:  1, line: 3, col: 4, colName: "timestamp",
			reason: `column "timestamp": "later" is not a date (expected ISO dates like 2006-01-02 or 2006-01-02T15:04:05Z, chosen from the first 2 rows)`, raw: "u2,later,Signed Up"},
		{name: "event without name", kind: events, file: "e.csv",
			content: "user_id,timestamp,event\nu1,2024-01-02T10:00:00Z,Signed Up\nu2,2024-01-02T10:00:00Z,\n",
			loaded:  1, line: 3, col: 25, colName: "event", reason: "missing event name", raw: "u2,2024-01-02T10:00:00Z,"},
		{name: "unknown event type", kind: events, file: "e.csv", opts: Options{Columns: map[string]string{"type": "call"}},
			content: "user_id,timestamp,event,call\nu1,2024-01-02T10:00:00Z,Signed Up,track\nu2,2024-01-02T10:00:00Z,x,group\n",
			loaded:  1, line: 3, col: 27, colName: "call", reason: `unknown event type "group"; known: identify, track, page, screen`, raw: "u2,2024-01-02T10:00:00Z,x,group"},
		{name: "e-commerce event without order id", kind: events, file: "e.csv",
			content: "user_id,timestamp,event,total\nu1,2024-01-02T10:00:00Z,Order Completed,10\n",
			loaded:  0, line: 2, col: 25, colName: "event", reason: "Order Completed without order_id", raw: "u1,2024-01-02T10:00:00Z,Order Completed,10"},
		{name: "e-commerce property not a number", kind: events, file: "e.csv",
			content: "user_id,timestamp,event,order_id,total\nu1,2024-01-02T10:00:00Z,Order Completed,A1,lots\n",
			// the problem is the total column (byte 44)
			loaded: 0, line: 2, col: 44, colName: "total", reason: `total "lots" is not a number`, raw: "u1,2024-01-02T10:00:00Z,Order Completed,A1,lots"},

		// Events from Segment JSON Lines.
		{name: "Segment line refused by ParseSegment", kind: events, file: "e.jsonl",
			content: `{"type":"track","userId":"u1","event":"x","timestamp":"2024-01-02T10:00:00Z"}` + "\n" + `{"type":"track","userId":"u1","event":"x"}` + "\n",
			loaded:  1, line: 2, col: 1, colName: "timestamp", reason: "…", raw: `{"type":"track","userId":"u1","event":"x"}`},
		{name: "Segment line with invalid UTF-8", kind: events, file: "e.jsonl",
			content: `{"type":"track","userId":"u1","event":"x","timestamp":"2024-01-02T10:00:00Z"}` + "\n" + "{\"type\":\"track\",\"userId\":\"\xfe\"}\n",
			loaded:  1, line: 2, col: 27, reason: "invalid UTF-8 at byte offset 26 of the line", raw: "{\"type\":\"track\",\"userId\":\"\xfe\"}"},

		// Orders, order level.
		{name: "missing order id", kind: orders, file: "o.csv", content: orderCols + ",c1,2024-01-02,10,,,,\n",
			loaded: 0, line: 2, col: 1, colName: "order_id", reason: "missing order id", raw: ",c1,2024-01-02,10,,,,"},
		{name: "order without contact id", kind: orders, file: "o.csv", content: orderCols + "o1,,2024-01-02,10,,,,\n",
			loaded: 0, line: 2, col: 4, colName: "customer_id", reason: "missing contact id", raw: "o1,,2024-01-02,10,,,,"},
		{name: "order without time", kind: orders, file: "o.csv", content: orderCols + "o1,c1,,10,,,,\n",
			loaded: 0, line: 2, col: 7, colName: "order_date", reason: "missing time", raw: "o1,c1,,10,,,,"},
		{name: "order without revenue", kind: orders, file: "o.csv", content: orderCols + "o1,c1,2024-01-02,10,,,,\no2,c1,2024-01-02,,,,,\n",
			loaded: 1, line: 3, col: 18, colName: "total", reason: "missing revenue", raw: "o2,c1,2024-01-02,,,,,"},
		{name: "order revenue not a number", kind: orders, file: "o.csv", content: orderCols + "o1,c1,2024-01-02,10,,,,\no2,c1,2024-01-02,ten,,,,\n",
			loaded: 1, line: 3, col: 18, colName: "total", reason: `column "total": "ten" is not a number`, raw: "o2,c1,2024-01-02,ten,,,,"},
		{name: "unknown order status", kind: orders, file: "o.csv", content: orderCols + "o1,c1,2024-01-02,10,,,,lost\n",
			loaded: 0, line: 2, col: 24, colName: "status",
			reason: `unknown status "lost"; known: completed, complete, paid, shipped, delivered, fulfilled, closed, zrealizowane, zrealizowano, hoàn thành, đã giao, cancelled, canceled, cancel, anulowane, anulowano, đã hủy, hủy, refunded, returned, return, zwrot, zwrócone, hoàn tiền, trả hàng (add others in antipersona.yaml)`,
			raw:    "o1,c1,2024-01-02,10,,,,lost"},
		{name: "negative discount", kind: orders, file: "o.csv", content: orderCols + "o1,c1,2024-01-02,10,,,-1,\n",
			loaded: 0, line: 2, col: 23, colName: "discount", reason: `column "discount": negative discount -1`, raw: "o1,c1,2024-01-02,10,,,-1,"},
		{name: "negative cost of goods", kind: orders, file: "o.csv", content: orderCols + "o1,c1,2024-01-02,10,,-3,,\n",
			loaded: 0, line: 2, col: 22, colName: "cost", reason: `column "cost": negative cost of goods -3`, raw: "o1,c1,2024-01-02,10,,-3,,"},

		// Orders, line items.
		{name: "line item without quantity", kind: orders, file: "o.csv",
			content: "invoice,customer_id,date,qty,price\n1,c1,2024-01-02,1,2\n2,c1,2024-01-02,,2\n",
			loaded:  1, line: 3, col: 17, colName: "qty", reason: "missing quantity", raw: "2,c1,2024-01-02,,2"},
		{name: "line item without unit price", kind: orders, file: "o.csv",
			content: "invoice,customer_id,date,qty,price\n1,c1,2024-01-02,1,2\n2,c1,2024-01-02,1,\n",
			loaded:  1, line: 3, col: 19, colName: "price", reason: "missing unit price", raw: "2,c1,2024-01-02,1,"},
		{name: "line item of another contact's order", kind: orders, file: "o.csv",
			content: "invoice,customer_id,date,qty,price\n1,c1,2024-01-02,1,2\n1,c2,2024-01-02,1,2\n",
			loaded:  1, line: 3, col: 3, colName: "customer_id", reason: `order "1" belongs to another contact on line 2`, raw: "1,c2,2024-01-02,1,2"},

		// Costs.
		{name: "cost without contact, campaign or channel", kind: costs, file: "k.csv",
			content: "contact_id,campaign,amount\nc1,,5\n,,5\n",
			loaded:  1, line: 3, reason: "no contact id, campaign or channel: a cost needs one of them", raw: ",,5"},
		{name: "cost without amount", kind: costs, file: "k.csv", content: "contact_id,campaign,amount\nc1,,5\nc1,,\n",
			loaded: 1, line: 3, col: 5, colName: "amount", reason: "missing amount", raw: "c1,,"},
		{name: "negative cost", kind: costs, file: "k.csv", content: "contact_id,campaign,amount\nc1,,5\nc1,,-5\n",
			loaded: 1, line: 3, col: 5, colName: "amount", reason: `column "amount": negative amount -5`, raw: "c1,,-5"},
		{name: "unknown cost kind", kind: costs, file: "k.csv", content: "contact_id,amount,kind\nc1,5,\nc1,5,bribe\n",
			loaded: 1, line: 3, col: 6, colName: "kind", reason: `unknown cost kind "bribe"; known: acquisition, contact, support`, raw: "c1,5,bribe"},

		// Touches.
		{name: "touch without contact id", kind: touches, file: "t.csv", content: "contact_id,campaign\nc1,spring\n,spring\n",
			loaded: 1, line: 3, col: 1, colName: "contact_id", reason: "missing contact id", raw: ",spring"},
		{name: "touch without campaign or channel", kind: touches, file: "t.csv", content: "contact_id,campaign,channel\nc1,spring,\nc1,,\n",
			loaded: 1, line: 3, reason: "no campaign or channel: a touch needs one of them", raw: "c1,,"},

		// Survey answers.
		{name: "answer without respondent", kind: surveys, file: "s.csv", content: "respondent_id,question_id,answer\nr1,q1,yes\n,q1,yes\n",
			loaded: 1, line: 3, col: 1, colName: "respondent_id", reason: "missing contact id", raw: ",q1,yes"},
		{name: "answer without question", kind: surveys, file: "s.csv", content: "respondent_id,question_id,answer\nr1,q1,yes\nr1,,yes\n",
			loaded: 1, line: 3, col: 4, colName: "question_id", reason: "missing question id", raw: "r1,,yes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			opts := tt.opts
			opts.Kind = tt.kind
			res, _, rej, err := ingestFile(t, path, opts)
			if err != nil {
				t.Fatalf("File: %v", err)
			}
			checkAccounting(t, res)
			if res.Rejected != 1 || res.Loaded != tt.loaded {
				t.Errorf("Rejected, Loaded = %d, %d; want 1, %d", res.Rejected, res.Loaded, tt.loaded)
			}
			recs := readRejects(t, rej.Path())
			if len(recs) != 1 {
				t.Fatalf("rejects = %+v, want one", recs)
			}
			got := recs[0]
			if got.File != path || got.Line != tt.line || got.Column != tt.col || got.ColumnName != tt.colName || got.Raw != tt.raw {
				t.Errorf("reject at %s:%d:%d (%q) raw %q; want %s:%d:%d (%q) raw %q",
					got.File, got.Line, got.Column, got.ColumnName, got.Raw, path, tt.line, tt.col, tt.colName, tt.raw)
			}
			if prefix, ok := strings.CutSuffix(tt.reason, "…"); ok {
				if !strings.HasPrefix(got.Reason, prefix) || got.Reason == "" {
					t.Errorf("reason = %q, want prefix %q", got.Reason, prefix)
				}
			} else if got.Reason != tt.reason {
				t.Errorf("reason = %q\nwant     %q", got.Reason, tt.reason)
			}
		})
	}
}
