package http

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// The dashboard's login: a key typed once gives a session, kept in memory
// and named by a random token in an HttpOnly, SameSite=Strict cookie. The
// cookie never holds the key. Each request checks the key again, so a
// revoked key ends its sessions within a second. Forms carry the session's
// CSRF token.

const (
	sessionCookie = "ap_session"
	langCookie    = "ap_lang"
	sessionTTL    = 12 * time.Hour
	maxSessions   = 10_000
)

// session is a logged-in browser.
type session struct {
	keyHash string
	csrf    string
	expires time.Time
}

// sessions are the live sessions by token.
type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for the key with hash keyHash and returns its
// token.
func (ss *sessions) create(keyHash string, now time.Time) (string, *session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.m == nil {
		ss.m = map[string]*session{}
	}
	if len(ss.m) >= maxSessions {
		for t, s := range ss.m {
			if now.After(s.expires) {
				delete(ss.m, t)
			}
		}
		if len(ss.m) >= maxSessions { // still full: drop the oldest
			var oldest string
			for t, s := range ss.m {
				if oldest == "" || s.expires.Before(ss.m[oldest].expires) {
					oldest = t
				}
			}
			delete(ss.m, oldest)
		}
	}
	tok := randomToken()
	s := &session{keyHash: keyHash, csrf: randomToken(), expires: now.Add(sessionTTL)}
	ss.m[tok] = s
	return tok, s
}

// get returns the live session of token.
func (ss *sessions) get(token string, now time.Time) (*session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[token]
	if !ok {
		return nil, false
	}
	if now.After(s.expires) {
		delete(ss.m, token)
		return nil, false
	}
	return s, true
}

func (ss *sessions) end(token string) {
	ss.mu.Lock()
	delete(ss.m, token)
	ss.mu.Unlock()
}

// validCSRF reports whether the form's token is the session's.
func (s *session) validCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.csrf)) == 1
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}
