package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// notifyAbout says what each kind of notification is about.
var notifyAbout = map[string]string{
	inboxbot.NotifyAssigned:   "a conversation is assigned to you",
	inboxbot.NotifyReassigned: "a conversation you held is reassigned or unassigned",
	inboxbot.NotifyFollowing:  "a conversation you follow gets a new message",
	inboxbot.NotifyAlerts:     "managers: nobody could take a conversation, or one waits too long",
	inboxbot.NotifySLA:        "a conversation you hold or follow nears or misses its service level",
}

// notify shows or changes which direct messages the asker gets. Without a
// kind, on and off apply to every kind.
func (s *Service) notify(ctx context.Context, c call) (Response, error) {
	m := c.Actor
	if c.Cmd.Switch != "" {
		kinds := inboxbot.NotifyKinds
		if c.Cmd.Kind != "" {
			kinds = []string{c.Cmd.Kind}
		}
		for _, k := range kinds {
			var err error
			if m, err = s.Store.SetNotify(ctx, m.ID, k, c.Cmd.Switch == "on"); err != nil {
				return Response{}, err
			}
		}
	}
	kinds := inboxbot.NotifyKinds
	if c.Cmd.Kind != "" {
		kinds = []string{c.Cmd.Kind}
	}
	lines := make([]string, len(kinds))
	for i, k := range kinds {
		state := "on "
		if !m.Wants(k) {
			state = "off"
		}
		lines[i] = fmt.Sprintf("%-10s %s  when %s", k, state, notifyAbout[k])
	}
	title := "Your notifications"
	if c.Cmd.Switch != "" {
		title = "Notifications updated"
	}
	return reply(title, strings.Join(lines, "\n")+"\nChange one with "+Usage("notify")), nil
}
