package commands

import (
	"context"

	"github.com/inboxbot/inboxbot"
)

// Home is what a member's own page shows (Slack's App Home): whether they
// are away, their open conversations, and the Team inbox with the
// conversation waiting longest.
type Home struct {
	Me inboxbot.Member
	// Mine is the answer to "list mine".
	Mine Response
	// Waiting is the Team inbox's length; Oldest the one waiting longest.
	Waiting int
	Oldest  inboxbot.Conversation
}

// Home gathers the home page of the person who sent req, who becomes a
// member on first use as with any command (req.Text is ignored).
func (s *Service) Home(ctx context.Context, req Request) (Home, error) {
	me, err := s.actor(ctx, req)
	if err != nil {
		return Home{}, err
	}
	mine, err := Parse("list mine")
	if err != nil {
		return Home{}, err
	}
	h := Home{Me: me, Mine: s.exec(ctx, req, mine)}
	h.Waiting, h.Oldest, err = s.Store.TeamInbox(ctx)
	return h, err
}

// Suggest lists up to n open conversations whose number starts with
// prefix, most recent first, for a platform's autocomplete.
func (s *Service) Suggest(ctx context.Context, prefix string, n int) ([]inboxbot.Conversation, error) {
	return s.Store.OpenWithIDPrefix(ctx, prefix, n)
}
