package ingest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/antipersona/antipersona"
)

// personalNames are the identifiers of columns holding personal names; such
// traits are TraitIdentifier and PII whatever their values look like.
var personalNames = map[string]bool{
	"first_name": true, "last_name": true, "name": true, "full_name": true, "firstname": true,
	"lastname": true, "fullname": true, "surname": true, "given_name": true, "family_name": true,
	"middle_name": true, "imie": true, "nazwisko": true, "imie_i_nazwisko": true, "ho_ten": true,
	"ho_va_ten": true, "ten": true, "ho": true, "contact_name": true, "customer_name": true,
}

// personalContactNames are identifiers of extra e-mail and phone columns
// (the first one of each is Contact.Email / Contact.Phone).
var personalContactNames = map[string]bool{
	"email": true, "e_mail": true, "mail": true, "email_address": true, "adres_email": true,
	"phone": true, "telephone": true, "mobile": true, "phone_number": true, "telefon": true,
	"so_dien_thoai": true, "sdt": true,
}

// isPersonalColumn reports whether a trait column holds personal data: a
// personal name (whatever its values), or an e-mail or phone column
// ("email", "work_email", "mobile_phone", ...) whose values are not flags
// ("Do Not Email" is a yes/no trait).
func isPersonalColumn(ident string, inferred antipersona.TraitType) bool {
	if personalNames[ident] {
		return true
	}
	if inferred == antipersona.TraitBoolean || inferred == antipersona.TraitNumber {
		return false
	}
	if personalContactNames[ident] {
		return true
	}
	for n := range personalContactNames {
		if strings.HasSuffix(ident, "_"+n) && !strings.HasPrefix(ident, "do_not_") {
			return true
		}
	}
	return false
}

// lineID is the id "column" of contacts identified by their line numbers.
const lineID = -2

// contactsHandler reads contacts: id, e-mail, phone, creation time and
// outcome go to Contact fields, every other column is a trait.
type contactsHandler struct {
	rowCtx
	id, email, phone, outcome int
	created, validFrom        timeCol
	positive                  foldSet
	traits                    []antipersona.Trait
	tcols                     []traitCol
}

// traitCol is how one trait column is parsed.
type traitCol struct {
	i      int
	typ    antipersona.TraitType
	num    numberParser
	date   *dateParser
	origin string // where the type comes from, for messages
}

func (h *contactsHandler) setup(header []string, sample []*row) error {
	h.header, h.sampled = header, len(sample)
	cols := newColumns(h.file, header, h.opts)
	if err := cols.resolve(FieldsContacts, map[string]string{"id": h.opts.IDColumn}); err != nil {
		return err
	}
	h.id, h.email, h.phone = cols.col("id"), cols.col("email"), cols.col("phone")
	if h.id < 0 && h.opts.LineIDs {
		h.id = lineID
	} else if h.id < 0 {
		return cols.missing([]string{describe(FieldsContacts, "id")},
			"name the id column with --id-col (id_column in antipersona.yaml)")
	}
	h.created = h.newTimeCol(cols.col("created_at"), sample)
	h.validFrom = h.newTimeCol(cols.col("valid_from"), sample)
	h.outcome = -1
	if h.opts.OutcomeColumn != "" {
		h.outcome = cols.lookup(h.opts.OutcomeColumn)
		if h.outcome < 0 {
			return antipersona.Errorf(antipersona.EINVALID, "%s: outcome column %q not found; columns found: %s",
				h.file, h.opts.OutcomeColumn, cols.found())
		}
		cols.used[h.outcome] = true
	}
	h.positive = newFoldSet(h.opts.PositiveValues)

	reserved := map[string]bool{}
	for _, r := range h.opts.ReservedIdents {
		reserved[r] = true
	}
	knownByName := map[string]antipersona.Trait{}
	knownByIdent := map[string]antipersona.Trait{}
	for _, t := range h.opts.KnownTraits {
		knownByName[t.Name] = t
		knownByIdent[t.Ident] = t
	}
	taken := map[string]bool{}
	for i, name := range header {
		if cols.used[i] || cols.excluded[i] {
			continue
		}
		ident := identOrEmpty(name)
		if ident == "" {
			ident = fmt.Sprintf("column_%d", i+1)
		}
		values := sampleValues(sample, i)
		t := antipersona.Trait{Name: name, Ident: ident}
		origin := fmt.Sprintf("inferred from the first %d rows", len(sample))
		t.Type = InferType(values, h.missing)
		if isPersonalColumn(ident, t.Type) {
			t.Type, t.PII = antipersona.TraitIdentifier, true
			origin = "given to personal data"
		}
		t.Dimension = Dimension(name)
		known, ok := knownByName[name]
		if !ok {
			known, ok = knownByIdent[ident]
		}
		fromStore := ok
		if ok {
			t.Ident, t.Type, t.Dimension, t.PII = known.Ident, known.Type, known.Dimension, known.PII
			origin = "of the trait already in the workspace"
		}
		ov, ok := h.opts.TraitOverrides[name]
		if !ok {
			ov, ok = h.opts.TraitOverrides[ident]
		}
		if ok {
			if ov.Type != "" {
				t.Type = ov.Type
				t.PII = ov.Type == antipersona.TraitIdentifier
				origin = "set in antipersona.yaml"
			}
			if ov.Dimension != "" {
				t.Dimension = ov.Dimension
			}
			if ov.Ident != "" {
				t.Ident = Ident(ov.Ident)
				fromStore = false
			}
		}
		if reserved[t.Ident] && !fromStore {
			t.Ident = "trait_" + t.Ident
		}
		if taken[t.Ident] {
			base := t.Ident
			for n := 2; ; n++ {
				if c := fmt.Sprintf("%s_%d", base, n); !taken[c] {
					t.Ident = c
					break
				}
			}
		}
		taken[t.Ident] = true

		tc := traitCol{i: i, typ: t.Type, origin: origin}
		switch t.Type {
		case antipersona.TraitNumber:
			tc.num = newNumberParser(values, h.missing)
		case antipersona.TraitDate:
			tc.date, _ = newDateParser(values, h.missing, false)
			if tc.date.family == dateNone {
				tc.date.family = dateAny
			}
		}
		h.traits = append(h.traits, t)
		h.tcols = append(h.tcols, tc)
	}
	h.traits = slices.Clip(h.traits)
	return nil
}

func (h *contactsHandler) newBatch() *antipersona.Batch {
	return &antipersona.Batch{Kind: antipersona.KindContacts, Traits: h.traits, ValidFrom: h.opts.ValidFrom}
}

func (h *contactsHandler) row(b *antipersona.Batch, r *row) (bool, *antipersona.ParseError) {
	c := antipersona.Contact{Line: r.line}
	if h.id == lineID {
		c.ID = strconv.FormatInt(r.line, 10)
	} else {
		c.ID = h.value(r, h.id)
	}
	if c.ID == "" {
		return false, h.perr(r, h.id, "missing contact id")
	}
	c.Email = h.value(r, h.email)
	c.Phone = h.value(r, h.phone)
	t, perr := h.getTime(r, h.created)
	if perr != nil {
		return false, perr
	}
	c.CreatedAt = t
	if c.ValidFrom, perr = h.getTime(r, h.validFrom); perr != nil {
		return false, perr
	}
	if v := h.value(r, h.outcome); v != "" {
		o := h.positive.has(v)
		c.Outcome = &o
	}
	c.Values = make([]antipersona.Value, len(h.tcols))
	for k := range h.tcols {
		tc := &h.tcols[k]
		v := h.value(r, tc.i)
		if v == "" {
			c.Values[k].Missing = true
			continue
		}
		val := &c.Values[k]
		switch tc.typ {
		case antipersona.TraitNumber:
			f, ok := tc.num.parse(v)
			if !ok {
				return false, h.typeErr(r, tc, v, "a number")
			}
			val.Num = f
		case antipersona.TraitDate:
			d, ok := tc.date.parse(v)
			if !ok {
				return false, h.typeErr(r, tc, v, "a date")
			}
			val.Time = d
		case antipersona.TraitBoolean:
			bv, ok := boolValue(v)
			if !ok {
				return false, h.typeErr(r, tc, v, "a boolean")
			}
			val.Bool = bv
		case antipersona.TraitMulti:
			for part := range strings.SplitSeq(v, "|") {
				if part = strings.TrimSpace(part); part != "" && !h.missing(part) {
					val.List = append(val.List, part)
				}
			}
			if len(val.List) == 0 {
				val.Missing = true
			}
		default:
			val.Str = v
		}
	}
	b.Contacts = append(b.Contacts, c)
	return false, nil
}

// typeErr is the problem of a value that does not fit its trait's type.
func (h *contactsHandler) typeErr(r *row, tc *traitCol, v, what string) *antipersona.ParseError {
	extra := ""
	if tc.typ == antipersona.TraitDate {
		extra = "; " + tc.date.family.String()
	}
	return h.perr(r, tc.i, "column %q: %q is not %s (type %s %s%s; override it in antipersona.yaml)",
		h.header[tc.i], truncate(v, 40), what, tc.typ, tc.origin, extra)
}

func (h *contactsHandler) finish() []*antipersona.Batch { return nil }
