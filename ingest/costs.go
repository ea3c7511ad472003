package ingest

import (
	"strings"

	"github.com/antipersona/antipersona"
)

// costsHandler reads costs: a per-contact cost (contact set) or the spend of
// a campaign or channel (contact empty). The amount is required and may not
// be negative. kind is acquisition, contact or support; an empty kind means
// acquisition for a per-contact row and contact (cost of reaching contacts,
// allocated over touches) for campaign or channel spend.
type costsHandler struct {
	rowCtx
	contact, campaign, channel, kind int
	tc                               timeCol
	amount                           numCol
	keys                             rowKeys
}

func (h *costsHandler) setup(header []string, sample []*row) error {
	h.header, h.sampled = header, len(sample)
	cols := newColumns(h.file, header, h.opts)
	if err := cols.resolve(FieldsCosts, nil); err != nil {
		return err
	}
	h.contact, h.campaign, h.channel, h.kind = cols.col("contact"), cols.col("campaign"), cols.col("channel"), cols.col("kind")
	var miss []string
	if cols.col("amount") < 0 {
		miss = append(miss, describe(FieldsCosts, "amount"))
	}
	if h.contact < 0 && h.campaign < 0 && h.channel < 0 {
		miss = append(miss, describe(FieldsCosts, "contact")+", or "+describe(FieldsCosts, "campaign")+
			", or "+describe(FieldsCosts, "channel"))
	}
	if len(miss) > 0 {
		return cols.missing(miss, columnsHint)
	}
	h.tc = h.newTimeCol(cols.col("time"), sample)
	h.amount = h.newNumCol(cols.col("amount"), sample)
	return nil
}

func (h *costsHandler) newBatch() *antipersona.Batch {
	return &antipersona.Batch{Kind: antipersona.KindCosts}
}

func (h *costsHandler) row(b *antipersona.Batch, r *row) (bool, *antipersona.ParseError) {
	c := antipersona.Cost{
		ContactID: h.value(r, h.contact),
		Campaign:  h.value(r, h.campaign),
		Channel:   h.value(r, h.channel),
		Line:      r.line,
	}
	if c.ContactID == "" && c.Campaign == "" && c.Channel == "" {
		return false, h.perr(r, -1, "no contact id, campaign or channel: a cost needs one of them")
	}
	amount, ok, perr := h.getNum(r, h.amount)
	if perr != nil {
		return false, perr
	}
	if !ok {
		return false, h.perr(r, h.amount.i, "missing amount")
	}
	if amount < 0 {
		return false, h.perr(r, h.amount.i, "column %q: negative amount %v", h.header[h.amount.i], amount)
	}
	c.Amount = amount
	if c.Time, perr = h.getTime(r, h.tc); perr != nil {
		return false, perr
	}
	switch k := strings.ToLower(h.value(r, h.kind)); k {
	case "":
		c.Kind = antipersona.CostContact
		if c.ContactID != "" {
			c.Kind = antipersona.CostAcquisition
		}
	case antipersona.CostAcquisition, antipersona.CostContact, antipersona.CostSupport:
		c.Kind = k
	default:
		return false, h.perr(r, h.kind, "unknown cost kind %q; known: acquisition, contact, support", truncate(k, 40))
	}
	c.RowKey = h.keys.key(string(antipersona.KindCosts), c.ContactID, c.Campaign, c.Channel, timeKey(c.Time), numKey(c.Amount), c.Kind)
	b.Costs = append(b.Costs, c)
	return false, nil
}

func (h *costsHandler) finish() []*antipersona.Batch { return nil }

// touchesHandler reads touches: a contact reached by a campaign or channel.
type touchesHandler struct {
	rowCtx
	contact, campaign, channel int
	tc                         timeCol
	keys                       rowKeys
}

func (h *touchesHandler) setup(header []string, sample []*row) error {
	h.header, h.sampled = header, len(sample)
	cols := newColumns(h.file, header, h.opts)
	if err := cols.resolve(FieldsTouches, nil); err != nil {
		return err
	}
	h.contact, h.campaign, h.channel = cols.col("contact"), cols.col("campaign"), cols.col("channel")
	var miss []string
	if h.contact < 0 {
		miss = append(miss, describe(FieldsTouches, "contact"))
	}
	if h.campaign < 0 && h.channel < 0 {
		miss = append(miss, describe(FieldsTouches, "campaign")+", or "+describe(FieldsTouches, "channel"))
	}
	if len(miss) > 0 {
		return cols.missing(miss, columnsHint)
	}
	h.tc = h.newTimeCol(cols.col("time"), sample)
	return nil
}

func (h *touchesHandler) newBatch() *antipersona.Batch {
	return &antipersona.Batch{Kind: antipersona.KindTouches}
}

func (h *touchesHandler) row(b *antipersona.Batch, r *row) (bool, *antipersona.ParseError) {
	t := antipersona.Touch{
		ContactID: h.value(r, h.contact),
		Campaign:  h.value(r, h.campaign),
		Channel:   h.value(r, h.channel),
		Line:      r.line,
	}
	if t.ContactID == "" {
		return false, h.perr(r, h.contact, "missing contact id")
	}
	if t.Campaign == "" && t.Channel == "" {
		return false, h.perr(r, -1, "no campaign or channel: a touch needs one of them")
	}
	var perr *antipersona.ParseError
	if t.Time, perr = h.getTime(r, h.tc); perr != nil {
		return false, perr
	}
	t.RowKey = h.keys.key(string(antipersona.KindTouches), t.ContactID, t.Campaign, t.Channel, timeKey(t.Time))
	b.Touches = append(b.Touches, t)
	return false, nil
}

func (h *touchesHandler) finish() []*antipersona.Batch { return nil }

// surveysHandler reads survey answers in long format. A row whose answer is
// empty (or a missing-value placeholder) is skipped: counted in
// Result.Skipped, neither loaded nor rejected.
type surveysHandler struct {
	rowCtx
	contact, qid, question, answer, lang int
	tc                                   timeCol
	keys                                 rowKeys
}

func (h *surveysHandler) setup(header []string, sample []*row) error {
	h.header, h.sampled = header, len(sample)
	cols := newColumns(h.file, header, h.opts)
	if err := cols.resolve(FieldsSurveyAnswers, nil); err != nil {
		return err
	}
	h.contact, h.qid, h.question = cols.col("contact"), cols.col("question_id"), cols.col("question")
	h.answer, h.lang = cols.col("answer"), cols.col("language")
	var miss []string
	for _, f := range []string{"contact", "question_id", "answer"} {
		if cols.col(f) < 0 {
			miss = append(miss, describe(FieldsSurveyAnswers, f))
		}
	}
	if len(miss) > 0 {
		return cols.missing(miss, columnsHint)
	}
	h.tc = h.newTimeCol(cols.col("time"), sample)
	return nil
}

func (h *surveysHandler) newBatch() *antipersona.Batch {
	return &antipersona.Batch{Kind: antipersona.KindSurveyAnswers}
}

func (h *surveysHandler) row(b *antipersona.Batch, r *row) (bool, *antipersona.ParseError) {
	a := antipersona.SurveyAnswer{
		ContactID:  h.value(r, h.contact),
		QuestionID: h.value(r, h.qid),
		Question:   h.value(r, h.question),
		Answer:     h.value(r, h.answer),
		Language:   strings.ToLower(h.value(r, h.lang)),
		Line:       r.line,
	}
	if a.ContactID == "" {
		return false, h.perr(r, h.contact, "missing contact id")
	}
	if a.QuestionID == "" {
		return false, h.perr(r, h.qid, "missing question id")
	}
	var perr *antipersona.ParseError
	if a.Time, perr = h.getTime(r, h.tc); perr != nil {
		return false, perr
	}
	if a.Answer == "" {
		return true, nil
	}
	a.RowKey = h.keys.key(string(antipersona.KindSurveyAnswers), a.ContactID, a.QuestionID, a.Answer, a.Language, timeKey(a.Time))
	b.SurveyAnswers = append(b.SurveyAnswers, a)
	return false, nil
}

func (h *surveysHandler) finish() []*antipersona.Batch { return nil }
