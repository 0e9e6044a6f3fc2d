package commands

import (
	"context"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// member resolves a member token (from memberToken) for the asker's
// platform: a mention by platform user id, @name by exact name, else by a
// unique name prefix.
func (s *Service) member(ctx context.Context, platform inboxbot.Platform, token string) (inboxbot.Member, error) {
	if id, _, ok := parseMention(token); ok {
		platforms := []inboxbot.Platform{platform}
		if platform == inboxbot.PlatformShell {
			platforms = []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformDiscord}
		}
		for _, p := range platforms {
			m, err := s.Store.MemberByPlatform(ctx, p, id)
			if inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
				return m, err
			}
		}
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.ENOTFOUND,
			"%s is not an inboxbot member yet; people join by using /inbox once.", clip(token))
	}
	name := strings.TrimPrefix(token, "@")
	// A whole name, the usual case, is one indexed lookup; only a prefix
	// reads the team.
	if m, err := s.Store.MemberByName(ctx, name); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		return m, err
	}
	all, err := s.Store.Members(ctx)
	if err != nil {
		return inboxbot.Member{}, err
	}
	var hits []inboxbot.Member
	for _, m := range all {
		if strings.EqualFold(m.Name, name) {
			return m, nil
		}
		if strings.HasPrefix(strings.ToLower(m.Name), strings.ToLower(name)) {
			hits = append(hits, m)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "No member is called @%s. /inbox team lists the members.", clip(name))
	}
	names := make([]string, len(hits))
	for i, m := range hits {
		names[i] = "@" + m.Name
	}
	return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EINVALID, "@%s could be %s; which one?", clip(name), strings.Join(names, ", "))
}

// assignee resolves the member a conversation or contact is given to. A
// mention of someone who never used the bot makes them a member first
// (join's rules), when the surface can tell who they are.
func (s *Service) assignee(ctx context.Context, c call, token string) (inboxbot.Member, error) {
	m, err := s.member(ctx, c.Platform, token)
	id, _, mention := parseMention(token)
	if inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND || !mention || c.People == nil || c.Platform == inboxbot.PlatformShell {
		return m, err
	}
	return s.join(ctx, c, id)
}
