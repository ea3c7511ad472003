package ingest

import (
	"fmt"
	"strings"

	"github.com/antipersona/antipersona"
)

// Logical fields of each kind and the column names auto-detected for them,
// in order of preference. Names are compared in lower case, with letters and
// digits only and diacritics folded, so "Contact ID", "contactId" and
// "contact_id" are the same. Options.Columns maps a field to a column
// explicitly (the events' "type" field, with values identify, track, page or
// screen, is only read when mapped). A column is used for one field only.
var (
	FieldsContacts = []Field{
		{"id", []string{"contact_id", "id", "userId", "customer_id"}},
		{"email", []string{"email", "e_mail", "mail", "email_address", "adres_email"}},
		{"phone", []string{"phone", "telephone", "mobile", "phone_number", "telefon", "so_dien_thoai", "sdt"}},
		{"created_at", []string{"created_at", "created", "signup_date", "signed_up_at", "lead_created_at", "first_seen", "data_rejestracji", "ngay_tao"}},
		{"valid_from", []string{"valid_from", "effective_from", "wazne_od", "hieu_luc_tu"}},
	}
	FieldsEvents = []Field{
		{"contact", []string{"contact_id", "user_id", "userid", "customer_id"}},
		{"anonymous_id", []string{"anonymous_id", "anonymousid", "anon_id"}},
		{"time", []string{"timestamp", "time", "ts", "occurred_at", "event_time", "date"}},
		{"event", []string{"event", "event_name", "name", "action"}},
		{"message_id", []string{"message_id", "messageid", "event_id"}},
		{"session_id", []string{"session_id", "sessionid", "session"}},
		{"type", nil},
	}
	FieldsOrders = []Field{
		{"order", []string{"order_id", "order", "orderid", "invoiceno", "invoice", "invoice_no", "id_zamowienia"}},
		{"contact", []string{"contact_id", "customer_id", "customerid", "user_id", "client_id"}},
		{"time", []string{"timestamp", "order_date", "ordered_at", "created_at", "date", "invoicedate", "data"}},
		{"revenue", []string{"revenue", "total", "amount", "value", "order_total", "net_revenue", "kwota", "wartosc", "doanh_thu"}},
		{"margin", []string{"margin", "gross_margin", "marza"}},
		{"cost_of_goods", []string{"cost_of_goods", "cogs", "cost"}},
		{"discount", []string{"discount", "discount_amount", "rabat", "giam_gia"}},
		{"status", []string{"status", "order_status"}},
		{"channel", []string{"channel", "sales_channel", "kanal"}},
		{"quantity", []string{"quantity", "qty", "ilosc", "so_luong"}},
		{"unit_price", []string{"unit_price", "unitprice", "price", "cena", "don_gia"}},
	}
	FieldsCosts = []Field{
		{"contact", []string{"contact_id", "customer_id", "user_id", "client_id"}},
		{"campaign", []string{"campaign", "campaign_id", "campaign_name", "kampania", "chien_dich"}},
		{"channel", []string{"channel", "source", "medium", "kanal", "kenh"}},
		{"time", []string{"date", "day", "timestamp", "spent_at", "data", "ngay"}},
		{"amount", []string{"amount", "cost", "spend", "value", "kwota", "chi_phi"}},
		{"kind", []string{"kind", "type", "cost_type"}},
	}
	FieldsTouches = []Field{
		{"contact", []string{"contact_id", "customer_id", "user_id", "client_id"}},
		{"campaign", []string{"campaign", "campaign_id", "campaign_name", "kampania", "chien_dich"}},
		{"channel", []string{"channel", "source", "medium", "kanal", "kenh"}},
		{"time", []string{"timestamp", "time", "date", "touched_at", "sent_at", "day", "data", "ngay"}},
	}
	FieldsSurveyAnswers = []Field{
		{"contact", []string{"contact_id", "respondent_id", "respondent", "user_id", "customer_id"}},
		{"question_id", []string{"question_id", "question", "qid", "pytanie", "cau_hoi"}},
		{"question", []string{"question_text", "question_label"}},
		{"answer", []string{"answer", "response", "odpowiedz", "tra_loi", "text"}},
		{"language", []string{"language", "lang", "locale", "jezyk", "ngon_ngu"}},
		{"time", []string{"answered_at", "timestamp", "date"}},
	}
)

// Field is a logical field of a kind and the column names it is found under.
type Field struct {
	Name       string
	Candidates []string
}

// columns resolves logical fields to column indexes.
type columns struct {
	file     string
	header   []string
	norm     []string
	used     []bool
	excluded []bool
	opts     Options
	idx      map[string]int // field -> column, -1 when absent
}

func newColumns(file string, header []string, opts Options) *columns {
	c := &columns{file: file, header: header, opts: opts, idx: map[string]int{},
		norm: make([]string, len(header)), used: make([]bool, len(header)), excluded: make([]bool, len(header))}
	ex := map[string]bool{}
	for _, e := range opts.ExcludeColumns {
		ex[e] = true
		ex[normKey(e)] = true
	}
	for i, h := range header {
		c.norm[i] = normKey(h)
		if ex[h] || ex[Ident(h)] || ex[c.norm[i]] {
			c.excluded[i] = true
		}
	}
	return c
}

// lookup finds the column called name: exactly, then by normKey.
func (c *columns) lookup(name string) int {
	for i, h := range c.header {
		if h == name && !c.used[i] {
			return i
		}
	}
	n := normKey(name)
	for i := range c.header {
		if c.norm[i] == n && !c.used[i] {
			return i
		}
	}
	return -1
}

// resolve finds the columns of fields, in order. An explicit mapping in
// Options.Columns (or override, for the contacts' id) must exist; an
// auto-detected column is the first candidate present that is not excluded
// and not taken by an earlier field.
func (c *columns) resolve(fields []Field, override map[string]string) error {
	for _, f := range fields {
		name := c.opts.Columns[f.Name]
		if o := override[f.Name]; o != "" {
			name = o
		}
		if name != "" {
			i := c.lookup(name)
			if i < 0 {
				return antipersona.Errorf(antipersona.EINVALID, "%s: column %q (for %s) not found; columns found: %s",
					c.file, name, f.Name, c.found())
			}
			c.used[i] = true
			c.idx[f.Name] = i
			continue
		}
		c.idx[f.Name] = -1
		for _, cand := range f.Candidates {
			n := normKey(cand)
			for i := range c.header {
				if c.norm[i] == n && !c.used[i] && !c.excluded[i] {
					c.used[i] = true
					c.idx[f.Name] = i
					break
				}
			}
			if c.idx[f.Name] >= 0 {
				break
			}
		}
	}
	return nil
}

// col returns the column of field, or -1.
func (c *columns) col(field string) int {
	i, ok := c.idx[field]
	if !ok {
		return -1
	}
	return i
}

// found lists the header for messages.
func (c *columns) found() string {
	if len(c.header) == 0 {
		return "(none)"
	}
	q := make([]string, len(c.header))
	for i, h := range c.header {
		q[i] = fmt.Sprintf("%q", h)
	}
	return strings.Join(q, ", ")
}

// missing returns the EINVALID error for required fields that were not
// found. each entry is a description such as "order (order_id, order, ...)".
func (c *columns) missing(descs []string, hint string) error {
	msg := fmt.Sprintf("%s: missing required column(s): %s; columns found: %s", c.file, strings.Join(descs, "; "), c.found())
	if hint != "" {
		msg += "; " + hint
	}
	return antipersona.Errorf(antipersona.EINVALID, "%s", msg)
}

// describe is "field (one of a, b, c)" for a missing-column message.
func describe(fields []Field, name string) string {
	for _, f := range fields {
		if f.Name == name {
			if len(f.Candidates) == 0 {
				return name
			}
			return fmt.Sprintf("%s (one of %s)", name, strings.Join(f.Candidates, ", "))
		}
	}
	return name
}

// columnsHint tells how to name columns that were not found.
const columnsHint = "name them with --col field=column (or --contact-col, --time-col, --order-col, ...), or under ingest.columns in antipersona.yaml (see docs/ingest.md)"
