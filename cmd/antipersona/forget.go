package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/audience"
	"github.com/antipersona/antipersona/config"
)

// removalsKey is the meta key of an audience's pending removals: the
// hashes of contacts deleted on request while they were members, which
// its next incremental export removes from the ad platforms (GDPR art. 19:
// an erasure is passed on to the recipients of the data).
func removalsKey(name string) string { return "audience_removals/" + name }

// forgetContact forgets the contact in the store (antipersona.PrivacyStore)
// and, for every audience whose last export had it, keeps its identifiers'
// hashes — nothing else, not even its id — for that audience's next
// incremental export to remove.
func forgetContact(ctx context.Context, cfg config.Config, s store, id string, at time.Time) (antipersona.ForgetResult, error) {
	exports, err := s.AudienceExports(ctx)
	if err != nil {
		return antipersona.ForgetResult{}, err
	}
	var in []string
	for _, e := range exports {
		if slices.Contains(in, e.Name) {
			continue
		}
		members, _, err := s.AudienceMembers(ctx, e.Name)
		if err != nil {
			return antipersona.ForgetResult{}, err
		}
		if slices.Contains(members, id) {
			in = append(in, e.Name)
		}
	}
	var hashes *audience.Hashes
	if len(in) > 0 {
		err := s.ContactIdentifiers(ctx, func(cid string, ids antipersona.Identifiers) error {
			if cid == id {
				h := audience.HashesOf(memberOf(id, ids, cfg.Audiences.DefaultRegion))
				hashes = &h
			}
			return nil
		})
		if err != nil {
			return antipersona.ForgetResult{}, err
		}
	}
	res, err := s.ForgetContact(ctx, id, at)
	if err != nil || hashes == nil {
		return res, err
	}
	for _, name := range in {
		pending, err := pendingRemovals(ctx, s, name)
		if err != nil {
			return res, err
		}
		if err := setPendingRemovals(ctx, s, name, append(pending, *hashes)); err != nil {
			return res, err
		}
	}
	return res, nil
}

// pendingRemovals returns the hashes the audience's next incremental export
// is to remove.
func pendingRemovals(ctx context.Context, s store, name string) ([]audience.Hashes, error) {
	js, err := s.Meta(ctx, removalsKey(name))
	if err != nil || js == "" {
		return nil, err
	}
	var out []audience.Hashes
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		return nil, fmt.Errorf("pending removals of audience %s: %w", name, err)
	}
	return out, nil
}

func setPendingRemovals(ctx context.Context, s store, name string, hs []audience.Hashes) error {
	if len(hs) == 0 {
		return s.SetMeta(ctx, removalsKey(name), "")
	}
	js, err := json.Marshal(hs)
	if err != nil {
		return err
	}
	return s.SetMeta(ctx, removalsKey(name), string(js))
}
