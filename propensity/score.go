package propensity

// Scoring many rows. A model's trees are laid out once (scorer) for a
// kernel that walks 32 rows through a tree at a time with AVX2 gathers
// (score_amd64.s), four groups of eight in lockstep: each step loads the
// rows' nodes and bins at once and computes their next nodes without a
// branch, until all 32 rows are at leaves; the first step, from the root,
// needs no gather. Where there is no AVX2 the rows walk the trees one by
// one (predictRow). Both add the same leaf values in the same order, so
// the scores are equal to the last bit.

// scorer holds the trees as the kernel reads them: every node of every
// tree in one slice, breadth first, a split's two children side by side.
type scorer struct {
	nodes  []snode
	values []float64   // per node: a leaf's value
	right  [][8]uint32 // per node: the bins that go right (none for leaves)
	roots  []int32
}

// snode is a split, whose children are left and left+1, or a leaf, whose
// left is itself. info packs the feature (bits 0-15), the threshold bin
// (16-23; a numeric row's bin goes right when above it) and the flags
// (24-31, which say also whether each child is a leaf). A leaf has
// threshold 255 and missing values going left, so that a step from a
// leaf stays on it, and counts as its own two children.
type snode struct {
	left int32
	info uint32
}

const (
	sLeaf        = 1 << 24
	sMissingLeft = 1 << 25
	sCat         = 1 << 26
	sLeftLeaf    = 1 << 27 // the left child is a leaf
	sRightLeaf   = 1 << 28 // the right child is a leaf
)

// newScorer lays out trees; nil when a feature index does not fit 16 bits.
func newScorer(trees []tree) *scorer {
	s := &scorer{}
	for _, t := range trees {
		root := int32(len(s.nodes))
		s.roots = append(s.roots, root)
		s.grow(1)
		type item struct{ src, dst int32 }
		queue := []item{{0, root}}
		for len(queue) > 0 {
			it := queue[0]
			queue = queue[1:]
			n := &t.nodes[it.src]
			if n.left < 0 {
				s.nodes[it.dst] = snode{left: it.dst, info: 255<<16 | sLeaf | sMissingLeft | sLeftLeaf | sRightLeaf}
				s.values[it.dst] = n.value
				continue
			}
			if n.feature > 0xffff {
				return nil
			}
			kid := int32(len(s.nodes))
			s.grow(2)
			info := uint32(n.feature) | uint32(n.bin)<<16
			if n.missingLeft {
				info |= sMissingLeft
			}
			if t.nodes[n.left].left < 0 {
				info |= sLeftLeaf
			}
			if t.nodes[n.right].left < 0 {
				info |= sRightLeaf
			}
			if n.catLeft != nil {
				info |= sCat
			}
			for b := range 256 {
				if !n.goLeft(uint8(b)) {
					s.right[it.dst][b>>5] |= 1 << (b & 31)
				}
			}
			s.nodes[it.dst] = snode{left: kid, info: info}
			queue = append(queue, item{n.left, kid}, item{n.right, kid + 1})
		}
	}
	return s
}

func (s *scorer) grow(k int) {
	for range k {
		s.nodes = append(s.nodes, snode{})
		s.values = append(s.values, 0)
		s.right = append(s.right, [8]uint32{})
	}
}

// scoreBlock is the number of rows binned and scored together.
const scoreBlock = 256

// predictAll sets out[i] to the log-odds of row i of d, for rows lo..hi-1.
func (m *GBDT) predictAll(d *Data, lo, hi int, out []float64) {
	nf := d.Features()
	s := m.scorer
	// The layout is of the trees at fit (or load) time: if Trees was cut
	// since, the rows walk the trees as they are.
	if !useAVX2 || s == nil || len(s.nodes) == 0 || len(s.roots) != len(m.Trees) {
		row := make([]uint8, nf)
		for i := lo; i < hi; i++ {
			m.binRow(d, i, row)
			out[i] = m.addTrees(m.Init, row)
		}
		return
	}
	// The kernel reads four bytes at each bin: three bytes of slack.
	rb := make([]uint8, scoreBlock*nf+3)
	row := make([]uint8, nf)
	for b := lo; b < hi; b += scoreBlock {
		e := min(b+scoreBlock, hi)
		quads := (e - b) / 32
		for q := range quads {
			m.binQuad(d, b+32*q, rb[32*q*nf:32*(q+1)*nf], nf)
		}
		for i := b; i < e; i++ {
			out[i] = m.Init
		}
		if quads > 0 {
			scoreAVX2(&s.nodes[0], &s.values[0], &s.right[0][0], s.roots, nf, &rb[0], &out[b], quads)
		}
		for i := b + 32*quads; i < e; i++ {
			m.binRow(d, i, row)
			out[i] = m.addTrees(out[i], row)
		}
	}
}

// addTrees adds the trees' values for a binned row to z, tree by tree.
func (m *GBDT) addTrees(z float64, row []uint8) float64 {
	for t := range m.Trees {
		z += m.Trees[t].predictRow(row)
	}
	return z
}

// binQuad bins rows lo..lo+31 of d into rb column by column (feature f of
// row lo+i at byte 32f+i), a column at a time: its edges stay in cache and
// the rows' searches overlap.
func (m *GBDT) binQuad(d *Data, lo int, rb []uint8, nf int) {
	rb = rb[:32*nf]
	for j, col := range d.Num {
		m.bins.numBins(j, col[lo:lo+32], rb[32*j:32*j+32])
	}
	for j, col := range d.Cat {
		f := len(d.Num) + j
		dst := rb[32*f : 32*f+32]
		for i, c := range col[lo : lo+32] {
			dst[i] = m.bins.catBinOf(j, c)
		}
	}
}
