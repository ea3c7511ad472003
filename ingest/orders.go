package ingest

import (
	"math"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
)

// ordersHandler reads orders in one of two modes.
//
// Order level (the file has a revenue column): one order per row. A status
// in CancelledStatuses gives a cancelled order; a status in
// RefundedStatuses a completed order plus a refund Return (ReturnID
// order_id+"/refund", the whole revenue); an empty status or one of
// CompletedStatuses a completed order; any other status rejects the row. A
// negative revenue gives a Return of kind "return" for -revenue instead of
// an order (its OrderID is empty: the row does not say which order it
// returns).
//
// Line items (quantity and unit price, no revenue; like the UCI Online Retail
// export): amount = quantity × unit price per line, aggregated per order id
// over the whole file (the only per-file state besides the sample). The
// non-negative lines of an order sum into the Order's revenue (time: the
// earliest line; Line: the first line); its negative lines sum into a Return
// (ReturnID and OrderID the order id, kind "return", Amount the positive
// sum). An order id made of "C" and digits (a UCI cancellation invoice) is a
// Return for all its lines, with an empty OrderID since the invoice it
// cancels is not known. The orders and returns are emitted at the end of the
// file.
type ordersHandler struct {
	rowCtx
	order, contact, status, channel int
	tc                              timeCol
	revenue, margin, cogs, discount numCol
	qty, price                      numCol
	lineItems                       bool
	cancelled, refunded, completed  foldSet
	known                           string
	aggs                            map[string]*orderAgg
	aggOrder                        []*orderAgg
}

type orderAgg struct {
	id, contact, channel string
	time                 time.Time
	line                 int64
	positive, negative   float64 // sums of line amounts (negative as a positive number)
	refund               float64 // lines with a refunded status
	margin, cogs         float64 // NaN until a line has one
	discount             float64
	hasPositive          bool
	cancelled            bool
}

func (h *ordersHandler) setup(header []string, sample []*row) error {
	h.header, h.sampled = header, len(sample)
	cols := newColumns(h.file, header, h.opts)
	if err := cols.resolve(FieldsOrders, nil); err != nil {
		return err
	}
	h.order, h.contact, h.status, h.channel = cols.col("order"), cols.col("contact"), cols.col("status"), cols.col("channel")
	var miss []string
	for _, f := range []string{"order", "contact", "time"} {
		if cols.col(f) < 0 {
			miss = append(miss, describe(FieldsOrders, f))
		}
	}
	rev, qty, price := cols.col("revenue"), cols.col("quantity"), cols.col("unit_price")
	if rev < 0 && (qty < 0 || price < 0) {
		miss = append(miss, describe(FieldsOrders, "revenue")+", or both "+describe(FieldsOrders, "quantity")+
			" and "+describe(FieldsOrders, "unit_price"))
	}
	if len(miss) > 0 {
		return cols.missing(miss, columnsHint)
	}
	h.lineItems = rev < 0
	h.tc = h.newTimeCol(cols.col("time"), sample)
	h.revenue = h.newNumCol(rev, sample)
	h.qty, h.price = h.newNumCol(qty, sample), h.newNumCol(price, sample)
	h.margin = h.newNumCol(cols.col("margin"), sample)
	h.cogs = h.newNumCol(cols.col("cost_of_goods"), sample)
	h.discount = h.newNumCol(cols.col("discount"), sample)
	h.cancelled = newFoldSet(h.opts.CancelledStatuses)
	h.refunded = newFoldSet(h.opts.RefundedStatuses)
	h.completed = newFoldSet(CompletedStatuses)
	var all []string
	all = append(all, CompletedStatuses...)
	all = append(all, h.opts.CancelledStatuses...)
	all = append(all, h.opts.RefundedStatuses...)
	h.known = strings.Join(all, ", ")
	h.aggs = map[string]*orderAgg{}
	return nil
}

func (h *ordersHandler) newBatch() *antipersona.Batch {
	return &antipersona.Batch{Kind: antipersona.KindOrders}
}

// orderStatus classifies a status value.
type orderStatus int

const (
	statusCompleted orderStatus = iota
	statusCancelled
	statusRefunded
)

func (h *ordersHandler) rowStatus(r *row) (orderStatus, *antipersona.ParseError) {
	v := h.value(r, h.status)
	switch {
	case v == "" || h.completed.has(v):
		return statusCompleted, nil
	case h.cancelled.has(v):
		return statusCancelled, nil
	case h.refunded.has(v):
		return statusRefunded, nil
	}
	return 0, h.perr(r, h.status, "unknown status %q; known: %s (add others in antipersona.yaml)", truncate(v, 40), h.known)
}

// common reads the fields of both modes.
func (h *ordersHandler) common(r *row) (id, contact string, t time.Time, st orderStatus, perr *antipersona.ParseError) {
	if id = h.value(r, h.order); id == "" {
		return "", "", t, 0, h.perr(r, h.order, "missing order id")
	}
	if contact = h.value(r, h.contact); contact == "" {
		return "", "", t, 0, h.perr(r, h.contact, "missing contact id")
	}
	if t, perr = h.getTime(r, h.tc); perr != nil {
		return "", "", t, 0, perr
	}
	if t.IsZero() {
		return "", "", t, 0, h.perr(r, h.tc.i, "missing time")
	}
	st, perr = h.rowStatus(r)
	return id, contact, t, st, perr
}

// extras reads margin, cost of goods and discount (NaN, NaN, 0 when absent).
func (h *ordersHandler) extras(r *row) (margin, cogs, discount float64, perr *antipersona.ParseError) {
	margin, cogs = math.NaN(), math.NaN()
	if f, ok, perr := h.getNum(r, h.margin); perr != nil {
		return 0, 0, 0, perr
	} else if ok {
		margin = f
	}
	if f, ok, perr := h.getNum(r, h.cogs); perr != nil {
		return 0, 0, 0, perr
	} else if ok {
		if f < 0 {
			return 0, 0, 0, h.perr(r, h.cogs.i, "column %q: negative cost of goods %v", h.header[h.cogs.i], f)
		}
		cogs = f
	}
	if f, ok, perr := h.getNum(r, h.discount); perr != nil {
		return 0, 0, 0, perr
	} else if ok {
		if f < 0 {
			return 0, 0, 0, h.perr(r, h.discount.i, "column %q: negative discount %v", h.header[h.discount.i], f)
		}
		discount = f
	}
	return margin, cogs, discount, nil
}

func (h *ordersHandler) row(b *antipersona.Batch, r *row) (bool, *antipersona.ParseError) {
	if h.lineItems {
		return false, h.lineItem(r)
	}
	id, contact, t, st, perr := h.common(r)
	if perr != nil {
		return false, perr
	}
	rev, ok, perr := h.getNum(r, h.revenue)
	if perr != nil {
		return false, perr
	}
	if !ok {
		return false, h.perr(r, h.revenue.i, "missing revenue")
	}
	margin, cogs, discount, perr := h.extras(r)
	if perr != nil {
		return false, perr
	}
	if rev < 0 {
		b.Returns = append(b.Returns, antipersona.Return{ReturnID: id, ContactID: contact, Time: t, Amount: -rev,
			Kind: antipersona.ReturnReturn, Source: "orders", Line: r.line})
		return false, nil
	}
	o := antipersona.Order{OrderID: id, ContactID: contact, Time: t, Revenue: rev, Margin: margin, CostOfGoods: cogs,
		Discount: discount, Status: antipersona.OrderCompleted, Channel: h.value(r, h.channel), Source: "orders", Line: r.line}
	if st == statusCancelled {
		o.Status = antipersona.OrderCancelled
	}
	b.Orders = append(b.Orders, o)
	if st == statusRefunded {
		b.Returns = append(b.Returns, antipersona.Return{ReturnID: id + "/refund", OrderID: id, ContactID: contact, Time: t,
			Amount: rev, Kind: antipersona.ReturnRefund, Source: "orders", Line: r.line})
	}
	return false, nil
}

// lineItem adds one line to its order's aggregate.
func (h *ordersHandler) lineItem(r *row) *antipersona.ParseError {
	id, contact, t, st, perr := h.common(r)
	if perr != nil {
		return perr
	}
	q, ok, perr := h.getNum(r, h.qty)
	if perr != nil {
		return perr
	}
	if !ok {
		return h.perr(r, h.qty.i, "missing quantity")
	}
	p, ok, perr := h.getNum(r, h.price)
	if perr != nil {
		return perr
	}
	if !ok {
		return h.perr(r, h.price.i, "missing unit price")
	}
	margin, cogs, discount, perr := h.extras(r)
	if perr != nil {
		return perr
	}
	a := h.aggs[id]
	if a == nil {
		a = &orderAgg{id: id, contact: contact, time: t, line: r.line, margin: math.NaN(), cogs: math.NaN(),
			channel: h.value(r, h.channel)}
		h.aggs[id] = a
		h.aggOrder = append(h.aggOrder, a)
	} else if a.contact != contact {
		return h.perr(r, h.contact, "order %q belongs to another contact on line %d", truncate(id, 40), a.line)
	}
	if t.Before(a.time) {
		a.time = t
	}
	amount := q * p
	switch {
	case isCancellationInvoice(id) || amount < 0:
		a.negative -= amount
	default:
		a.positive += amount
		a.hasPositive = true
	}
	if !math.IsNaN(margin) {
		a.margin = addNaN(a.margin, margin)
	}
	if !math.IsNaN(cogs) {
		a.cogs = addNaN(a.cogs, cogs)
	}
	a.discount += discount
	switch st {
	case statusCancelled:
		a.cancelled = true
	case statusRefunded:
		if amount > 0 {
			a.refund += amount
		}
	}
	return nil
}

// addNaN adds x to sum, treating a NaN sum as 0.
func addNaN(sum, x float64) float64 {
	if math.IsNaN(sum) {
		return x
	}
	return sum + x
}

// isCancellationInvoice reports whether id is "C" followed by digits.
func isCancellationInvoice(id string) bool {
	if len(id) < 2 || id[0] != 'C' {
		return false
	}
	for i := 1; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

func (h *ordersHandler) finish() []*antipersona.Batch {
	if !h.lineItems || len(h.aggOrder) == 0 {
		return nil
	}
	var out []*antipersona.Batch
	b := h.newBatch()
	for _, a := range h.aggOrder {
		if b.Len() >= h.opts.BatchRows {
			out = append(out, b)
			b = h.newBatch()
		}
		if isCancellationInvoice(a.id) {
			b.Returns = append(b.Returns, antipersona.Return{ReturnID: a.id, ContactID: a.contact, Time: a.time,
				Amount: a.negative - a.positive, Kind: antipersona.ReturnReturn, Source: "orders", Line: a.line})
			continue
		}
		if a.hasPositive {
			o := antipersona.Order{OrderID: a.id, ContactID: a.contact, Time: a.time, Revenue: a.positive,
				Margin: a.margin, CostOfGoods: a.cogs, Discount: a.discount, Status: antipersona.OrderCompleted,
				Channel: a.channel, Source: "orders", Line: a.line}
			if a.cancelled {
				o.Status = antipersona.OrderCancelled
			}
			b.Orders = append(b.Orders, o)
		}
		if a.negative > 0 || !a.hasPositive {
			b.Returns = append(b.Returns, antipersona.Return{ReturnID: a.id, OrderID: a.id, ContactID: a.contact,
				Time: a.time, Amount: a.negative, Kind: antipersona.ReturnReturn, Source: "orders", Line: a.line})
		}
		if a.refund > 0 {
			b.Returns = append(b.Returns, antipersona.Return{ReturnID: a.id + "/refund", OrderID: a.id, ContactID: a.contact,
				Time: a.time, Amount: a.refund, Kind: antipersona.ReturnRefund, Source: "orders", Line: a.line})
		}
	}
	h.aggs, h.aggOrder = nil, nil
	return append(out, b)
}
