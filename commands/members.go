package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/inboxbot/inboxbot"
)

// maxMemberName is the longest member name the store accepts.
const maxMemberName = 64

// CheckMemberName returns nil when name can name a member, else an EINVALID
// error that says why. It is the store's rule: one word without @, < or >
// (so that @name and mentions read unambiguously), at most 64 characters,
// and not me or none (which mean the asker and nobody where a member is
// expected). The console checks a name with it before acting as that
// member, since the member is only created by their first command.
func CheckMemberName(name string) error {
	var why string
	switch {
	case name == "":
		why = "it is empty"
	case strings.IndexFunc(name, unicode.IsSpace) >= 0:
		why = "it is more than one word"
	case strings.ContainsAny(name, "@<>"):
		why = "it contains " + string(name[strings.IndexAny(name, "@<>")])
	case utf8.RuneCountInString(name) > maxMemberName:
		why = fmt.Sprintf("it is %d characters long", utf8.RuneCountInString(name))
	case strings.EqualFold(name, "me") || strings.EqualFold(name, "none"):
		why = strings.ToLower(name) + " is reserved"
	default:
		return nil
	}
	return inboxbot.Errorf(inboxbot.EINVALID,
		"%q cannot be a member name (%s): a name is one word without @, < or >, at most %d characters, and not me or none.",
		clip(name), why, maxMemberName)
}

// member resolves a member token (from memberToken) for the asker's
// platform: a mention by platform user id, @name by exact name, else by a
// unique name prefix.
func (s *Service) member(ctx context.Context, platform, token string) (inboxbot.Member, error) {
	if id, _, ok := parseMention(token); ok {
		platforms := []string{platform}
		if platform == inboxbot.PlatformShell {
			platforms = []string{inboxbot.PlatformSlack, inboxbot.PlatformDiscord}
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
