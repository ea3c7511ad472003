// Package apikey makes, parses and keeps the API keys of the server.
//
// A key looks like ap_<id>_<secret>: id is 8 lower-case base32 characters
// that name the key in lists and logs, secret 32 more (160 random bits).
// Stores keep only the key's SHA-256: the key is shown once, when it is
// created. A plain hash suffices (no password stretching) because the
// secret is random, not chosen by a person.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
)

// Prefix starts every key.
const Prefix = "ap_"

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// New makes a key of role for workspace; random is the source of
// randomness (nil: crypto/rand). It returns the key, to show once, and its
// record, to store.
func New(workspace string, role antipersona.Role, name string, now time.Time, random io.Reader) (string, antipersona.APIKey, error) {
	if !antipersona.ValidRole(role) {
		return "", antipersona.APIKey{}, antipersona.Errorf(antipersona.EINVALID,
			"unknown role %q: use admin, analyst, ingest or reader", role)
	}
	if random == nil {
		random = rand.Reader
	}
	var b [25]byte // 5 bytes of id, 20 of secret
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", antipersona.APIKey{}, fmt.Errorf("make key: %w", err)
	}
	id := enc.EncodeToString(b[:5])
	key := Prefix + id + "_" + enc.EncodeToString(b[5:])
	return key, antipersona.APIKey{ID: id, Workspace: workspace, Name: name, Role: role,
		Hash: Hash(key), CreatedAt: now.UTC()}, nil
}

// Hash is the hex SHA-256 of a key, what stores keep.
func Hash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// ID returns the public id of a well-formed key, and false for anything
// else. It does not check that the key exists.
func ID(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, Prefix)
	if !ok {
		return "", false
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 8 || len(secret) != 32 {
		return "", false
	}
	for _, s := range []string{id, secret} {
		if _, err := enc.DecodeString(s); err != nil {
			return "", false
		}
	}
	return id, true
}
