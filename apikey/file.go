package apikey

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/antipersona/antipersona"
)

// FileStore keeps keys in a JSON file (a workspace's keys.json), so that
// `antipersona keys` can create and revoke keys while a server that holds
// the workspace's embedded store runs: the server re-reads the file when
// it changes. Writers take an exclusive lock on path+".lock" and replace
// the file atomically. A FileStore is safe for concurrent use.
type FileStore struct {
	path string

	mu    sync.Mutex
	keys  []record
	stamp fileStamp // of the file the keys were read from
}

var _ antipersona.KeyStore = (*FileStore)(nil)

// record is a stored key: its hash is kept, unlike APIKey's JSON.
type record struct {
	antipersona.APIKey
	Hash string `json:"sha256"`
}

type fileStamp struct {
	mod  time.Time
	size int64
	ino  uint64
}

// NewFileStore returns the key store at path; the file is created by the
// first key.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// load re-reads the file when it changed since the last read. The caller
// holds mu.
func (s *FileStore) load() error {
	fi, err := os.Stat(s.path)
	if errors.Is(err, os.ErrNotExist) {
		s.keys, s.stamp = nil, fileStamp{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read keys: %w", err)
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = sys.Ino
	}
	if st == s.stamp && s.keys != nil {
		return nil
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return fmt.Errorf("read keys: %w", err)
	}
	var doc struct {
		Keys []record `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("read keys %s: %w", s.path, err)
	}
	s.keys, s.stamp = doc.Keys, st
	if s.keys == nil {
		s.keys = []record{}
	}
	return nil
}

// update runs fn on the current keys under the file lock and writes the
// result.
func (s *FileStore) update(fn func(keys []record) ([]record, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	lock, err := os.OpenFile(s.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("lock keys: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("lock keys: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	s.stamp = fileStamp{} // read afresh under the lock
	if err := s.load(); err != nil {
		return err
	}
	keys, err := fn(append([]record(nil), s.keys...))
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(struct {
		Keys []record `json:"keys"`
	}{keys}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".keys-*.json")
	if err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write keys: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write keys: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	s.stamp = fileStamp{}
	return s.load()
}

// CreateKey implements antipersona.KeyStore.
func (s *FileStore) CreateKey(ctx context.Context, k antipersona.APIKey) error {
	return s.update(func(keys []record) ([]record, error) {
		for _, r := range keys {
			if r.ID == k.ID || r.Hash == k.Hash {
				return nil, antipersona.Errorf(antipersona.ECONFLICT, "key %s exists", k.ID)
			}
		}
		r := record{APIKey: k, Hash: k.Hash}
		r.APIKey.Hash = ""
		return append(keys, r), nil
	})
}

// KeyByHash implements antipersona.KeyStore.
func (s *FileStore) KeyByHash(ctx context.Context, hash string) (*antipersona.APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	for _, r := range s.keys {
		if r.Hash == hash {
			k := r.APIKey
			k.Hash = r.Hash
			return &k, nil
		}
	}
	return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no such key")
}

// RevokeKey implements antipersona.KeyStore.
func (s *FileStore) RevokeKey(ctx context.Context, id string, at time.Time) error {
	return s.update(func(keys []record) ([]record, error) {
		for i := range keys {
			if keys[i].ID == id {
				if keys[i].RevokedAt == nil {
					t := at.UTC()
					keys[i].RevokedAt = &t
				}
				return keys, nil
			}
		}
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "no key %s", id)
	})
}

// Keys implements antipersona.KeyStore.
func (s *FileStore) Keys(ctx context.Context, workspace string) ([]antipersona.APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	var out []antipersona.APIKey
	for _, r := range s.keys {
		if workspace == "" || r.Workspace == workspace {
			k := r.APIKey
			k.Hash = r.Hash
			out = append(out, k)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}
