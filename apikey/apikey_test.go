package apikey

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/storetest"
)

func TestNew(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	random := bytes.NewReader(bytes.Repeat([]byte{0}, 25))
	key, k, err := New("shop", antipersona.RoleReader, "bi", now, random)
	if err != nil {
		t.Fatal(err)
	}
	// 25 zero bytes: base32 of zeros is all 'a'.
	want := "ap_aaaaaaaa_" + strings.Repeat("a", 32)
	if key != want {
		t.Errorf("key = %q, want %q", key, want)
	}
	// sha256 of the key, computed with `printf %s KEY | sha256sum`.
	if want := "df4421848aa2d20a35b8524bf2adf5edb9201c857312f5e84d80c88dc0b2ace5"; k.Hash != want {
		t.Errorf("hash = %q", k.Hash)
	}
	if k.ID != "aaaaaaaa" || k.Workspace != "shop" || k.Role != antipersona.RoleReader || !k.CreatedAt.Equal(now) || k.CreatedAt.Location() != time.UTC {
		t.Errorf("record = %+v", k)
	}
	if _, _, err := New("shop", "owner", "", now, nil); antipersona.ErrorCode(err) != antipersona.EINVALID {
		t.Errorf("unknown role: %v", err)
	}
	a, _, _ := New("shop", antipersona.RoleAdmin, "", now, nil)
	b, _, _ := New("shop", antipersona.RoleAdmin, "", now, nil)
	if a == b {
		t.Error("two random keys are equal")
	}
}

func TestHashKnown(t *testing.T) {
	// echo -n abc | sha256sum
	if got := Hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Hash(abc) = %s", got)
	}
}

func TestID(t *testing.T) {
	key, k, _ := New("shop", antipersona.RoleAdmin, "", time.Now(), nil)
	for _, c := range []struct {
		name, key, id string
		ok            bool
	}{
		{"made by New", key, k.ID, true},
		{"no prefix", strings.TrimPrefix(key, "ap_"), "", false},
		{"short secret", key[:len(key)-1], "", false},
		{"bad character", key[:len(key)-1] + "1", "", false},
		{"empty", "", "", false},
		{"upper case", strings.ToUpper(key), "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, ok := ID(c.key)
			if id != c.id || ok != c.ok {
				t.Errorf("ID(%q) = %q, %v; want %q, %v", c.key, id, ok, c.id, c.ok)
			}
		})
	}
}

func TestFileStoreContract(t *testing.T) {
	storetest.RunKeys(t, func(t *testing.T) antipersona.KeyStore {
		return NewFileStore(filepath.Join(t.TempDir(), "keys.json"))
	})
}

// A server's store sees keys created and revoked by another process (here,
// another FileStore on the same file).
func TestFileStoreSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys.json")
	server, cli := NewFileStore(path), NewFileStore(path)
	if _, err := server.KeyByHash(ctx, "x"); antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
		t.Fatalf("empty store: %v", err)
	}
	key, k, _ := New("shop", antipersona.RoleAnalyst, "", time.Now(), nil)
	if err := cli.CreateKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	got, err := server.KeyByHash(ctx, Hash(key))
	if err != nil || got.ID != k.ID || got.RevokedAt != nil {
		t.Fatalf("server sees %+v, %v", got, err)
	}
	if err := cli.RevokeKey(ctx, k.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err = server.KeyByHash(ctx, Hash(key))
	if err != nil || got.RevokedAt == nil {
		t.Fatalf("server does not see the revocation: %+v, %v", got, err)
	}
}
