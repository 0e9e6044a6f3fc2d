package slack

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
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

// Person looks a Slack user up with users.info, for the member rules of
// commands (it is the adapter's commands.People): Slack's own bots and
// apps, deactivated accounts and people of another workspace never join.
func (a *Adapter) Person(ctx context.Context, userID string) (commands.Person, error) {
	u, err := a.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		a.metrics.apiError("users.info", err)
		if errorLabel(err) == "user_not_found" {
			return commands.Person{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "Slack does not know that user.")
		}
		return commands.Person{}, fmt.Errorf("users.info: %w", err)
	}
	name := firstOf(u.Name, u.Profile.DisplayNameNormalized)
	if name != "" {
		a.mu.Lock()
		a.names[userID] = name
		a.mu.Unlock()
	}
	return commands.Person{ID: u.ID, Name: name, Bot: u.IsBot || u.ID == "USLACKBOT", Deleted: u.Deleted, Team: u.TeamID}, nil
}
