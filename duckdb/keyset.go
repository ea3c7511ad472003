package duckdb

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"fmt"
)

// A keySet holds the fingerprints of the keys stored in one keyed table, so
// that a batch's rows can be sorted, before they reach DuckDB, into rows
// whose key is surely new (inserted as they are) and rows whose key may be
// stored (inserted through the anti join on the key hash, which scans the
// table's hash column). Without it every batch of a large ingest scanned
// every key already stored: at 50M events, 100 batches scanned 2.5G keys.
//
// A fingerprint is the low 64 bits of md5_number(key), the table's hash
// column. Two keys may share a fingerprint: then the second only takes the
// exact path, so the set never decides alone that a row is a duplicate.
//
// The set is open addressing with linear probing; 0 marks an empty slot, so
// the fingerprint 0 is stored as 1 (again only a false "maybe").
type keySet struct {
	slots []uint64
	n     int
}

// keyFingerprint is the low 64 bits of DuckDB's md5_number(key): the first
// eight bytes of the MD5 digest read little-endian (checked against DuckDB
// by TestKeyFingerprintMatchesDuckDB).
func keyFingerprint(key string) uint64 {
	sum := md5.Sum([]byte(key))
	return nonZero(binary.LittleEndian.Uint64(sum[:8]))
}

func nonZero(fp uint64) uint64 {
	if fp == 0 {
		return 1
	}
	return fp
}

// slot is fp's first slot: fingerprints are MD5 bits, uniform already.
func (k *keySet) slot(fp uint64) int { return int(fp & uint64(len(k.slots)-1)) }

// has reports whether fp may be a stored key.
func (k *keySet) has(fp uint64) bool {
	if len(k.slots) == 0 {
		return false
	}
	mask := len(k.slots) - 1
	for i := k.slot(fp); ; i = (i + 1) & mask {
		switch k.slots[i] {
		case fp:
			return true
		case 0:
			return false
		}
	}
}

// add records fp.
func (k *keySet) add(fp uint64) {
	if (k.n+1)*5 > len(k.slots)*4 { // keep the load under 0.8
		k.grow(max(1024, 2*len(k.slots)))
	}
	mask := len(k.slots) - 1
	for i := k.slot(fp); ; i = (i + 1) & mask {
		switch k.slots[i] {
		case fp:
			return
		case 0:
			k.slots[i] = fp
			k.n++
			return
		}
	}
}

// reserve makes room for n more fingerprints without growing on the way.
func (k *keySet) reserve(n int) {
	want := len(k.slots)
	for (k.n+n)*5 > want*4 {
		want = max(1024, 2*want)
	}
	if want > len(k.slots) {
		k.grow(want)
	}
}

func (k *keySet) grow(size int) {
	old := k.slots
	k.slots, k.n = make([]uint64, size), 0
	for _, fp := range old {
		if fp != 0 {
			k.add(fp)
		}
	}
}

// keySetOf returns the key set of table, or nil when the table had rows
// when this store first wrote to it. The set starts only on an empty table
// and grows with every insert, so it holds every stored key (the store is
// the only writer of its file: the workspace lock). Reading the keys of a
// large table back would cost more than it saves: 50M keys take minutes
// through database/sql, and a file of duplicates gains nothing from them,
// so a table that has rows keeps the anti join for every row.
func (s *Store) keySetOf(ctx context.Context, table string) (*keySet, error) {
	if k, ok := s.keys[table]; ok {
		return k, nil
	}
	var any bool
	if err := s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+")").Scan(&any); err != nil {
		return nil, fmt.Errorf("look into %s: %w", table, err)
	}
	var k *keySet
	if !any {
		k = &keySet{}
	}
	if s.keys == nil {
		s.keys = map[string]*keySet{}
	}
	s.keys[table] = k
	return k, nil
}
