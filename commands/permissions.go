package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// Who may do what:
//
//	any member        list, show, claim, follow, unfollow, views, rules list/show/test/sla,
//	                  away, back, notify, team; assign or unassign a conversation
//	                  that is unassigned or their own
//	manager, admin    reassign or unassign someone else's conversation,
//	                  contact assign, rules publish/unpublish
//
// Checks that depend on who holds a conversation run inside the store's
// transaction (inboxbot.Change.Check), under the row lock, so a concurrent
// claim cannot slip between the check and the change.

// requireRole refuses actor unless they have at least role min, saying
// which role the action needs.
func requireRole(actor inboxbot.Member, min inboxbot.Role, what string) error {
	if actor.Role.AtLeast(min) {
		return nil
	}
	return inboxbot.Errorf(inboxbot.EFORBIDDEN, "Only managers and admins can %s; you are %s %s.", what, article(actor.Role), actor.Role)
}

func article(r inboxbot.Role) string {
	if r == inboxbot.RoleAdmin || r == inboxbot.RoleAgent {
		return "an"
	}
	return "a"
}

// mayChangeHands reports whether actor may assign or unassign conv as it
// is now: managers always, agents when it is unassigned or their own.
func mayChangeHands(actor inboxbot.Member, conv inboxbot.Conversation) bool {
	return actor.Role.AtLeast(inboxbot.RoleManager) || !conv.Assigned() || conv.AssigneeID == actor.ID
}

// changeHandsCheck is the inboxbot.Change.Check of assign and unassign.
func changeHandsCheck(actor inboxbot.Member, verb string) func(inboxbot.Conversation) error {
	return func(conv inboxbot.Conversation) error {
		if mayChangeHands(actor, conv) {
			return nil
		}
		return inboxbot.Errorf(inboxbot.EFORBIDDEN,
			"%s is assigned to %s. Only managers and admins can %s someone else's conversation; you are %s %s.",
			conv.Ref(), conv.AssigneeName, verb, article(actor.Role), actor.Role)
	}
}

// EnsureAdmins makes the members linked to the listed platform users admins,
// creating them when they have never used the bot. list is the value of
// INBOXBOT_ADMINS (see ParseAdmins). A malformed entry fails the whole list
// before anything changes.
func EnsureAdmins(ctx context.Context, st *store.Store, list string) error {
	entries, err := ParseAdmins(list)
	if err != nil {
		return err
	}
	for _, e := range entries {
		var m inboxbot.Member
		if e.Platform == inboxbot.PlatformShell {
			m, err = shellMember(ctx, st, e.ID)
		} else {
			m, err = st.EnsurePlatformMember(ctx, e.Platform, e.ID, "")
		}
		if err != nil {
			return fmt.Errorf("INBOXBOT_ADMINS %s:%s: %w", e.Platform, e.ID, err)
		}
		if m.Role != inboxbot.RoleAdmin {
			if err := st.SetRole(ctx, m.ID, inboxbot.RoleAdmin); err != nil {
				return fmt.Errorf("INBOXBOT_ADMINS %s:%s: %w", e.Platform, e.ID, err)
			}
		}
	}
	return nil
}

// Admin is one entry of INBOXBOT_ADMINS.
type Admin struct {
	Platform inboxbot.Platform
	ID       string
}

// ParseAdmins reads INBOXBOT_ADMINS: a comma list of slack:U…, discord:…
// and, for the local console, shell:NAME entries. The error names the
// first malformed entry.
func ParseAdmins(list string) ([]Admin, error) {
	var out []Admin
	for _, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		ps, id, ok := strings.Cut(raw, ":")
		p, id := inboxbot.Platform(strings.ToLower(strings.TrimSpace(ps))), strings.TrimSpace(id)
		switch {
		case !ok || id == "" || (p != inboxbot.PlatformSlack && p != inboxbot.PlatformDiscord && p != inboxbot.PlatformShell):
			return nil, inboxbot.Errorf(inboxbot.EINVALID, "INBOXBOT_ADMINS entry %q must be slack:USERID, discord:USERID or shell:NAME", clip(raw))
		case p == inboxbot.PlatformShell:
			if err := inboxbot.CheckMemberName(id); err != nil {
				return nil, inboxbot.Errorf(inboxbot.EINVALID, "INBOXBOT_ADMINS entry %q: %s", clip(raw), inboxbot.ErrorMessage(err))
			}
		case !inboxbot.ValidUserID(p, id):
			return nil, inboxbot.Errorf(inboxbot.EINVALID, "INBOXBOT_ADMINS entry %q: %q is not a %s user id (Slack: U or W and capital letters and digits; Discord: 17 to 20 digits)", clip(raw), clip(id), p)
		}
		out = append(out, Admin{p, id})
	}
	return out, nil
}
