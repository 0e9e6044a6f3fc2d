package commands

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// Person is a chat user as their platform describes them, for the rules
// of who may become a member when someone picks them.
type Person struct {
	// ID is the platform user id.
	ID string
	// Name is the name a new member is given (their handle or nickname).
	Name string
	// Bot is true for bots and apps: they cannot take conversations.
	Bot bool
	// Deleted is true for deactivated accounts.
	Deleted bool
	// Team is the workspace (or guild) the person belongs to; "" when the
	// platform did not say.
	Team string
}

// People looks up the users of one platform. Each chat adapter provides
// one with the requests it hands to the Service; a user it does not know
// is an ENOTFOUND error.
type People interface {
	Person(ctx context.Context, userID string) (Person, error)
}

// join makes the platform user id someone picked (in a user select or a
// mention) a member, the same way their first command would, after the
// rules every surface shares: a well-formed id, a person the platform
// knows, not a bot, not deactivated, and of the asker's team when both
// are known.
func (s *Service) join(ctx context.Context, c call, id string) (inboxbot.Member, error) {
	if !inboxbot.ValidUserID(c.Platform, id) {
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EINVALID, "%q is not a %s user.", clip(id), platformName(c.Platform))
	}
	p, err := c.People.Person(ctx, id)
	switch {
	case inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND:
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "%s does not know that user.", platformName(c.Platform))
	case err != nil:
		return inboxbot.Member{}, fmt.Errorf("look up %s user %s: %w", c.Platform, id, err)
	case p.Bot:
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EINVALID, "Bots cannot take conversations.")
	case p.Deleted:
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EINVALID, "That account is deactivated; it cannot take conversations.")
	case c.Team != "" && p.Team != "" && p.Team != c.Team:
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EFORBIDDEN, "Only people of this workspace can take conversations.")
	}
	name := p.Name
	if name == "" {
		name = id
	}
	return s.Store.EnsurePlatformMember(ctx, c.Platform, id, name)
}

// platformName is a platform as people write it.
func platformName(p inboxbot.Platform) string {
	switch p {
	case inboxbot.PlatformSlack:
		return "Slack"
	case inboxbot.PlatformDiscord:
		return "Discord"
	}
	return string(p)
}
