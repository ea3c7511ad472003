package budget

import (
	"context"
	"math"
)

// checkEvery is how many rows the long loops handle between two looks at
// the context.
const checkEvery = 1 << 16

// Allocate splits the marketing spend in costs over contacts, as the
// contact_cost feature does, and computes from the per-contact shares the
// figures of the Report (see the package documentation for each):
//
//   - a direct cost row (ContactID set) goes to its contact;
//   - the spend of a campaign is split equally over the distinct contacts
//     the campaign touched;
//   - the spend of a channel without a campaign is split equally over the
//     distinct contacts touched in that channel (by any campaign or none);
//   - spend on a campaign or channel that touched nobody stays unallocated;
//   - support costs are not marketing spend: they are only summed in
//     Report.SupportCost (the caller's Profit already carries them).
//
// Allocate returns a *DataError naming the first row it cannot use: a
// contact with an empty or duplicate ID or a non-finite Revenue or Profit;
// a cost with a negative or non-finite Amount, an unknown Kind, no
// contact, campaign or channel, or a ContactID not in contacts; a touch
// with no contact, a contact not in contacts, or neither campaign nor
// channel. It returns an error wrapping antipersona.ErrCanceled when ctx is
// cancelled. It panics on invalid Options (see Options) and when there are
// 2³¹ or more contacts. It does not modify its inputs; the Report refers to
// contacts.
//
// Time and memory are linear in the rows: about 16 bytes per share
// (a contact's distinct sources) and 20 bytes per touch.
func Allocate(ctx context.Context, contacts []Contact, costs []Cost, touches []Touch, opt Options) (*Report, error) {
	opt.defaults()
	if len(contacts) >= math.MaxInt32 {
		panic("budget: too many contacts")
	}
	if err := ctx.Err(); err != nil {
		return nil, canceled(ctx)
	}
	a := &allocator{srcIdx: map[Source]int{}}
	if err := a.indexContacts(contacts); err != nil {
		return nil, err
	}
	if err := a.readCosts(costs); err != nil {
		return nil, err
	}
	if err := a.readTouches(ctx, touches); err != nil {
		return nil, err
	}
	a.buildParts()
	r := &Report{Contacts: contacts}
	if err := a.allocate(ctx, r); err != nil {
		return nil, err
	}
	if err := aggregate(ctx, r); err != nil {
		return nil, err
	}
	if err := whatIf(ctx, r, opt); err != nil {
		return nil, err
	}
	return r, nil
}

// part is spend of one (channel, kind) of a campaign or channel.
type part struct {
	channel, kind string
	amount        sum
}

// srcAmount is spend of one source.
type srcAmount struct {
	src    int
	amount float64
}

type direct struct {
	contact int32
	src     int
	amount  float64
}

type allocator struct {
	ids     map[string]int32
	sources []Source
	srcIdx  map[Source]int

	total, support sum
	directs        []direct

	campID    map[string]int32
	campNames []string
	campParts [][]part
	chanID    map[string]int32
	chanNames []string
	chanParts [][]part

	// The channel of a campaign's touches, for campaign spend without one.
	campChan    []string
	campChanSet []bool
	campMixed   []bool

	// Relevant touches (those on a campaign or channel with spend).
	tContact, tCamp, tChan []int32

	campSrc, chanSrc [][]srcAmount
}

func (a *allocator) source(s Source) int {
	if i, ok := a.srcIdx[s]; ok {
		return i
	}
	a.sources = append(a.sources, s)
	a.srcIdx[s] = len(a.sources) - 1
	return len(a.sources) - 1
}

func (a *allocator) indexContacts(contacts []Contact) error {
	a.ids = make(map[string]int32, len(contacts))
	for i, c := range contacts {
		switch {
		case c.ID == "":
			return dataErr("contacts", i, "empty contact id")
		case !finite(c.Revenue):
			return dataErr("contacts", i, "revenue %v is not a finite number", c.Revenue)
		case !finite(c.Profit):
			return dataErr("contacts", i, "profit %v is not a finite number", c.Profit)
		}
		if j, dup := a.ids[c.ID]; dup {
			return dataErr("contacts", i, "duplicate contact id (first in row %d)", j)
		}
		a.ids[c.ID] = int32(i)
	}
	return nil
}

func addPart(parts []part, channel, kind string, amount float64) []part {
	for i := range parts {
		if parts[i].channel == channel && parts[i].kind == kind {
			parts[i].amount.add(amount)
			return parts
		}
	}
	p := part{channel: channel, kind: kind}
	p.amount.add(amount)
	return append(parts, p)
}

func (a *allocator) readCosts(costs []Cost) error {
	a.campID, a.chanID = map[string]int32{}, map[string]int32{}
	for i, c := range costs {
		if !finite(c.Amount) {
			return dataErr("costs", i, "amount %v is not a finite number", c.Amount)
		}
		if c.Amount < 0 {
			return dataErr("costs", i, "negative amount %v", c.Amount)
		}
		kind := c.Kind
		switch kind {
		case "":
			kind = KindContact
			if c.ContactID != "" {
				kind = KindAcquisition
			}
		case KindAcquisition, KindContact, KindSupport:
		default:
			return dataErr("costs", i, "unknown cost kind %q; known: acquisition, contact, support", c.Kind)
		}
		if c.ContactID == "" && c.Campaign == "" && c.Channel == "" {
			return dataErr("costs", i, "no contact id, campaign or channel: a cost needs one of them")
		}
		var ci int32
		if c.ContactID != "" {
			var ok bool
			if ci, ok = a.ids[c.ContactID]; !ok {
				return dataErr("costs", i, "contact id not among the contacts")
			}
		}
		if kind == KindSupport {
			a.support.add(c.Amount)
			continue
		}
		a.total.add(c.Amount)
		switch {
		case c.ContactID != "":
			src := a.source(Source{Campaign: c.Campaign, Channel: c.Channel, Kind: kind, Direct: true})
			a.directs = append(a.directs, direct{contact: ci, src: src, amount: c.Amount})
		case c.Campaign != "":
			id, ok := a.campID[c.Campaign]
			if !ok {
				id = int32(len(a.campNames))
				a.campID[c.Campaign] = id
				a.campNames = append(a.campNames, c.Campaign)
				a.campParts = append(a.campParts, nil)
			}
			a.campParts[id] = addPart(a.campParts[id], c.Channel, kind, c.Amount)
		default:
			id, ok := a.chanID[c.Channel]
			if !ok {
				id = int32(len(a.chanNames))
				a.chanID[c.Channel] = id
				a.chanNames = append(a.chanNames, c.Channel)
				a.chanParts = append(a.chanParts, nil)
			}
			a.chanParts[id] = addPart(a.chanParts[id], c.Channel, kind, c.Amount)
		}
	}
	return nil
}

func (a *allocator) readTouches(ctx context.Context, touches []Touch) error {
	n := len(a.campNames)
	a.campChan, a.campChanSet, a.campMixed = make([]string, n), make([]bool, n), make([]bool, n)
	a.tContact = make([]int32, 0, len(touches))
	a.tCamp = make([]int32, 0, len(touches))
	a.tChan = make([]int32, 0, len(touches))
	var (
		lastID      string
		lastContact int32 = -1
	)
	for i, t := range touches {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return canceled(ctx)
		}
		if t.ContactID == "" {
			return dataErr("touches", i, "empty contact id")
		}
		if t.Campaign == "" && t.Channel == "" {
			return dataErr("touches", i, "no campaign or channel: a touch needs one of them")
		}
		// Touches usually come grouped by contact: skip the map lookup
		// for a run of one contact.
		ci := lastContact
		if lastContact < 0 || t.ContactID != lastID {
			var ok bool
			if ci, ok = a.ids[t.ContactID]; !ok {
				return dataErr("touches", i, "contact id not among the contacts")
			}
			lastID, lastContact = t.ContactID, ci
		}
		camp, chn := int32(-1), int32(-1)
		if t.Campaign != "" {
			if id, ok := a.campID[t.Campaign]; ok {
				camp = id
				switch {
				case !a.campChanSet[id]:
					a.campChan[id], a.campChanSet[id] = t.Channel, true
				case a.campChan[id] != t.Channel:
					a.campMixed[id] = true
				}
			}
		}
		if t.Channel != "" {
			if id, ok := a.chanID[t.Channel]; ok {
				chn = id
			}
		}
		if camp < 0 && chn < 0 {
			continue
		}
		a.tContact = append(a.tContact, ci)
		a.tCamp = append(a.tCamp, camp)
		a.tChan = append(a.tChan, chn)
	}
	return nil
}

// buildParts turns the spend of every campaign and channel into amounts
// per source, the channel of campaign spend without one inferred from its
// touches.
func (a *allocator) buildParts() {
	merge := func(list []srcAmount, src int, x float64) []srcAmount {
		for i := range list {
			if list[i].src == src {
				list[i].amount += x
				return list
			}
		}
		return append(list, srcAmount{src, x})
	}
	a.campSrc = make([][]srcAmount, len(a.campNames))
	for c, parts := range a.campParts {
		for _, p := range parts {
			ch := p.channel
			if ch == "" && a.campChanSet[c] && !a.campMixed[c] {
				ch = a.campChan[c]
			}
			src := a.source(Source{Campaign: a.campNames[c], Channel: ch, Kind: p.kind})
			a.campSrc[c] = merge(a.campSrc[c], src, p.amount.value())
		}
	}
	a.chanSrc = make([][]srcAmount, len(a.chanNames))
	for h, parts := range a.chanParts {
		for _, p := range parts {
			src := a.source(Source{Channel: p.channel, Kind: p.kind})
			a.chanSrc[h] = merge(a.chanSrc[h], src, p.amount.value())
		}
	}
}

// allocate groups touches and direct costs by contact, counts the distinct
// contacts of every campaign and channel, and writes the shares.
func (a *allocator) allocate(ctx context.Context, r *Report) error {
	n := len(r.Contacts)
	// Counting sort of the relevant touches and of the direct costs by
	// contact.
	tStart := make([]int, n+1)
	for _, c := range a.tContact {
		tStart[c+1]++
	}
	for i := range n {
		tStart[i+1] += tStart[i]
	}
	pos := append([]int(nil), tStart[:n]...)
	camp := make([]int32, len(a.tContact))
	chn := make([]int32, len(a.tContact))
	for k, c := range a.tContact {
		camp[pos[c]], chn[pos[c]] = a.tCamp[k], a.tChan[k]
		pos[c]++
	}
	a.tContact, a.tCamp, a.tChan = nil, nil, nil

	dStart := make([]int, n+1)
	for _, d := range a.directs {
		dStart[d.contact+1]++
	}
	for i := range n {
		dStart[i+1] += dStart[i]
	}
	copy(pos, dStart[:n])
	directs := make([]direct, len(a.directs))
	for _, d := range a.directs {
		directs[pos[d.contact]] = d
		pos[d.contact]++
	}
	a.directs = nil

	// Pass 1: distinct contacts per campaign and channel, and the number
	// of shares at most.
	nCamp := make([]int, len(a.campNames))
	nChan := make([]int, len(a.chanNames))
	campMark := make([]int32, len(a.campNames)) // contact+1 that last counted it
	chanMark := make([]int32, len(a.chanNames))
	capShares := len(directs)
	for i := range n {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return canceled(ctx)
		}
		mark := int32(i + 1)
		for k := tStart[i]; k < tStart[i+1]; k++ {
			if c := camp[k]; c >= 0 && campMark[c] != mark {
				campMark[c] = mark
				nCamp[c]++
				capShares += len(a.campSrc[c])
			}
			if h := chn[k]; h >= 0 && chanMark[h] != mark {
				chanMark[h] = mark
				nChan[h]++
				capShares += len(a.chanSrc[h])
			}
		}
	}

	// Spend that reached nobody, and the amount per contact of the rest.
	unalloc := make([]float64, len(a.sources))
	var unallocated sum
	per := func(list []srcAmount, m int) []srcAmount {
		out := make([]srcAmount, len(list))
		for i, s := range list {
			if m == 0 {
				unalloc[s.src] += s.amount
				unallocated.add(s.amount)
				continue
			}
			out[i] = srcAmount{s.src, s.amount / float64(m)}
		}
		return out
	}
	campPer := make([][]srcAmount, len(a.campNames))
	for c := range campPer {
		campPer[c] = per(a.campSrc[c], nCamp[c])
	}
	chanPer := make([][]srcAmount, len(a.chanNames))
	for h := range chanPer {
		chanPer[h] = per(a.chanSrc[h], nChan[h])
	}

	// Pass 2: the shares, at most one per contact and source.
	clear(campMark)
	clear(chanMark)
	shares := make([]Share, 0, capShares)
	start := make([]int, n+1)
	spend := make([]float64, n)
	srcMark := make([]int32, len(a.sources))
	srcPos := make([]int, len(a.sources))
	var (
		allocated sum
		mark      int32
	)
	add := func(src int, x float64) {
		if x == 0 {
			return
		}
		if srcMark[src] == mark {
			shares[srcPos[src]].Amount += x
			return
		}
		srcMark[src], srcPos[src] = mark, len(shares)
		shares = append(shares, Share{Source: src, Amount: x})
	}
	for i := range n {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return canceled(ctx)
		}
		mark = int32(i + 1)
		start[i] = len(shares)
		for _, d := range directs[dStart[i]:dStart[i+1]] {
			add(d.src, d.amount)
		}
		for k := tStart[i]; k < tStart[i+1]; k++ {
			if c := camp[k]; c >= 0 && campMark[c] != mark {
				campMark[c] = mark
				for _, s := range campPer[c] {
					add(s.src, s.amount)
				}
			}
			if h := chn[k]; h >= 0 && chanMark[h] != mark {
				chanMark[h] = mark
				for _, s := range chanPer[h] {
					add(s.src, s.amount)
				}
			}
		}
		var s sum
		for _, sh := range shares[start[i]:] {
			s.add(sh.Amount)
			allocated.add(sh.Amount)
		}
		spend[i] = s.value()
	}
	start[n] = len(shares)

	r.Sources = a.sources
	r.shares, r.start, r.ContactSpend = shares, start, spend
	r.TotalSpend = a.total.value()
	r.SupportCost = a.support.value()
	r.AllocatedSpend = allocated.value()
	r.UnallocatedSpend = unallocated.value()
	for src, x := range unalloc {
		if x != 0 {
			r.Unallocated = append(r.Unallocated, Share{Source: src, Amount: x})
		}
	}
	return nil
}
