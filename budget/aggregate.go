package budget

import (
	"cmp"
	"context"
	"slices"
)

// labels interns row labels (channels or campaigns) with a sort rank.
type labels struct {
	id    map[string]int
	names []string
	rank  []int // labels sort by (rank, name)
}

func (l *labels) get(name string, rank int) int {
	if i, ok := l.id[name]; ok {
		return i
	}
	l.id[name] = len(l.names)
	l.names = append(l.names, name)
	l.rank = append(l.rank, rank)
	return len(l.names) - 1
}

// add appends a label that no other name can merge with (NoSpend).
func (l *labels) add(name string, rank int) int {
	l.names = append(l.names, name)
	l.rank = append(l.rank, rank)
	return len(l.names) - 1
}

// order returns the position of every label in the sorted order.
func (l *labels) order() []int {
	idx := make([]int, len(l.names))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(l.rank[a], l.rank[b]), cmp.Compare(l.names[a], l.names[b]))
	})
	pos := make([]int, len(idx))
	for p, i := range idx {
		pos[i] = p
	}
	return pos
}

type labAmount struct {
	lab    int
	amount float64
}

// collector sums a contact's shares by label.
type collector struct {
	of   []int // label of each source
	mark []int32
	pos  []int
	buf  []labAmount
}

func newCollector(of []int, nLabels int) *collector {
	return &collector{of: of, mark: make([]int32, nLabels), pos: make([]int, nLabels)}
}

func (c *collector) collect(contact int, shares []Share) []labAmount {
	c.buf = c.buf[:0]
	m := int32(contact + 1)
	for _, s := range shares {
		l := c.of[s.Source]
		if c.mark[l] == m {
			c.buf[c.pos[l]].amount += s.Amount
			continue
		}
		c.mark[l], c.pos[l] = m, len(c.buf)
		c.buf = append(c.buf, labAmount{l, s.Amount})
	}
	return c.buf
}

// aggregate computes the rows of r from its shares.
func aggregate(ctx context.Context, r *Report) error {
	n := len(r.Contacts)

	// Channel and campaign labels of the sources.
	chans := labels{id: map[string]int{}}
	camps := labels{id: map[string]int{}}
	srcChan := make([]int, len(r.Sources))
	srcCamp := make([]int, len(r.Sources))
	for s, src := range r.Sources {
		if src.Channel == "" {
			srcChan[s] = chans.get(NoChannel, 1)
		} else {
			srcChan[s] = chans.get(src.Channel, 0)
		}
		rank := 0 // campaigns, then channel spend, then direct costs
		switch {
		case src.Campaign != "":
		case src.Direct:
			rank = 2
		default:
			rank = 1
		}
		srcCamp[s] = camps.get(src.Name(), rank)
	}
	noSpendChan := chans.add(NoSpend, 2)
	noSpendCamp := camps.add(NoSpend, 3)

	// Groups, deduplicated per contact.
	gid := map[string]int32{}
	r.groupStart = make([]int, n+1)
	for i, c := range r.Contacts {
		r.groupStart[i] = len(r.groupIdx)
	next:
		for _, name := range c.Groups {
			if name == "" {
				continue
			}
			g, ok := gid[name]
			if !ok {
				g = int32(len(r.groupNames))
				gid[name] = g
				r.groupNames = append(r.groupNames, name)
			}
			for _, h := range r.groupIdx[r.groupStart[i]:] {
				if h == g {
					continue next
				}
			}
			r.groupIdx = append(r.groupIdx, g)
		}
	}
	r.groupStart[n] = len(r.groupIdx)
	groups := labels{names: r.groupNames, rank: make([]int, len(r.groupNames))}
	noGroup := []int32{int32(groups.add(NoGroup, 1))}
	nG := len(groups.names)

	var all cell
	byGroup := make([]cell, nG)
	byChan := make([]cell, len(chans.names))
	byCamp := make([]cell, len(camps.names))
	gChan := newGrid(nG, len(chans.names))
	gCamp := newGrid(nG, len(camps.names))
	chanOf := newCollector(srcChan, len(chans.names))
	campOf := newCollector(srcCamp, len(camps.names))
	noSpendC := []labAmount{{noSpendChan, 0}}
	noSpendK := []labAmount{{noSpendCamp, 0}}
	for i, c := range r.Contacts {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return canceled(ctx)
		}
		spend, rev, prof := r.ContactSpend[i], c.Revenue, c.Profit
		gs := r.groupIdx[r.groupStart[i]:r.groupStart[i+1]]
		if len(gs) == 0 {
			gs = noGroup
		}
		all.add(spend, rev, prof)
		for _, g := range gs {
			byGroup[g].add(spend, rev, prof)
		}
		sh := r.Shares(i)
		byLab, byCmp := noSpendC, noSpendK
		if len(sh) > 0 {
			byLab, byCmp = chanOf.collect(i, sh), campOf.collect(i, sh)
		}
		// Revenue and profit are attributed in proportion to the spend
		// (all of it to NoSpend when there is none).
		for _, e := range byLab {
			f := 1.0
			if len(sh) > 0 {
				f = e.amount / spend
			}
			byChan[e.lab].add(e.amount, rev*f, prof*f)
			for _, g := range gs {
				gChan.at(int(g), e.lab).add(e.amount, rev*f, prof*f)
			}
		}
		for _, e := range byCmp {
			f := 1.0
			if len(sh) > 0 {
				f = e.amount / spend
			}
			byCamp[e.lab].add(e.amount, rev*f, prof*f)
			for _, g := range gs {
				gCamp.at(int(g), e.lab).add(e.amount, rev*f, prof*f)
			}
		}
	}

	r.All = all.row("", "", "")
	gPos := groups.order()
	r.Groups = rows(byGroup, gPos, func(g int) Row { return byGroup[g].row(groups.names[g], "", "") })
	chPos, cpPos := chans.order(), camps.order()
	r.Channels = rows(byChan, chPos, func(k int) Row { return byChan[k].row("", chans.names[k], "") })
	r.Campaigns = rows(byCamp, cpPos, func(k int) Row { return byCamp[k].row("", "", camps.names[k]) })
	r.GroupChannels = gridRows(gChan, gPos, chPos, func(c *cell, g, k int) Row {
		return c.row(groups.names[g], chans.names[k], "")
	})
	r.GroupCampaigns = gridRows(gCamp, gPos, cpPos, func(c *cell, g, k int) Row {
		return c.row(groups.names[g], "", camps.names[k])
	})
	return nil
}

func (c *cell) row(group, channel, campaign string) Row {
	return Row{Group: group, Channel: channel, Campaign: campaign, Contacts: c.contacts,
		Spend: c.spend.value(), Revenue: c.revenue.value(), Profit: c.profit.value()}
}

// rows returns the rows of the cells with contacts, in the order pos.
func rows(cells []cell, pos []int, row func(int) Row) []Row {
	idx := make([]int, 0, len(cells))
	for i := range cells {
		if cells[i].contacts > 0 {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(pos[a], pos[b]) })
	out := make([]Row, len(idx))
	for j, i := range idx {
		out[j] = row(i)
	}
	return out
}

// gridRows returns the rows of the cells of g, by row then column order.
func gridRows(g *grid, rowPos, colPos []int, row func(c *cell, r, k int) Row) []Row {
	idx := make([]int, len(g.cells))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) (int, int) { return g.keys[i] / g.cols, g.keys[i] % g.cols }
	slices.SortFunc(idx, func(a, b int) int {
		ra, ka := key(a)
		rb, kb := key(b)
		return cmp.Or(cmp.Compare(rowPos[ra], rowPos[rb]), cmp.Compare(colPos[ka], colPos[kb]))
	})
	out := make([]Row, len(idx))
	for j, i := range idx {
		r, k := key(i)
		out[j] = row(&g.cells[i], r, k)
	}
	return out
}
