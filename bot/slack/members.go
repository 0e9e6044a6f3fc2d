package slack

import (
	"context"

	"github.com/inboxbot/inboxbot"
)

// userName is the name a Slack user becomes a member under on first use:
// their Slack handle from users.info (cached), else fallback, the name the
// payload carried. Members who exist already cost no API call.
func (a *Adapter) userName(ctx context.Context, userID, fallback string) string {
	if _, err := a.service.Store.MemberByPlatform(ctx, platform, userID); err == nil {
		return fallback
	}
	a.mu.Lock()
	name, ok := a.names[userID]
	a.mu.Unlock()
	if ok {
		return name
	}
	u, err := a.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		a.metrics.apiError("users.info", err)
		a.log.Warn("slack: users.info failed; naming the member from the payload", "user", userID, "err", err)
		return fallback
	}
	name = firstOf(u.Name, u.Profile.DisplayNameNormalized, fallback)
	a.mu.Lock()
	a.names[userID] = name
	a.mu.Unlock()
	return name
}

// ensureMember makes a Slack user a member (an agent) unless they are one.
func (a *Adapter) ensureMember(ctx context.Context, userID, fallback string) error {
	if !inboxbot.ValidUserID(platform, userID) {
		return inboxbot.Errorf(inboxbot.EINVALID, "%q is not a Slack user id.", clip(userID, 40))
	}
	name := a.userName(ctx, userID, firstOf(fallback, userID))
	_, err := a.service.Store.EnsurePlatformMember(ctx, platform, userID, name)
	return err
}
