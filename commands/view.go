package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// viewSave stores a named filter as its words, so that it is parsed again
// at use: "mine" in a shared view means whoever uses it.
func (s *Service) viewSave(ctx context.Context, c call) (Response, error) {
	q := c.Cmd.Query
	if q.Member != "" {
		// Refuse a view that could never work, before saving it.
		if _, err := s.member(ctx, c.Platform, q.Member); err != nil {
			return Response{}, err
		}
	}
	v, err := s.Store.SaveView(ctx, inboxbot.View{OwnerID: c.Actor.ID, Name: c.Cmd.View, Query: q.String(), Shared: c.Cmd.Shared})
	if err != nil {
		return Response{}, err
	}
	who := "only you"
	if v.Shared {
		who = "the team"
	}
	return reply(fmt.Sprintf("Saved view %s: %s", v.Name, v.Query),
		fmt.Sprintf("Visible to %s. Use it with /inbox list view:%s", who, v.Name)), nil
}

// viewList lists the asker's views and those others shared.
func (s *Service) viewList(ctx context.Context, c call) (Response, error) {
	vs, err := s.Store.Views(ctx, c.Actor.ID)
	if err != nil {
		return Response{}, err
	}
	if len(vs) == 0 {
		return reply("Views: none", "Save one with "+Usage("view save")), nil
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		whose := "yours"
		if v.OwnerID != c.Actor.ID {
			whose = "shared by " + v.OwnerName
		} else if v.Shared {
			whose = "yours, shared"
		}
		lines[i] = fmt.Sprintf("%s: %s (%s)", v.Name, v.Query, whose)
	}
	return reply(fmt.Sprintf("Views: %d", len(vs)), strings.Join(lines, "\n")), nil
}

// viewDelete deletes one of the asker's own views.
func (s *Service) viewDelete(ctx context.Context, c call) (Response, error) {
	if err := s.Store.DeleteView(ctx, c.Actor.ID, c.Cmd.View); err != nil {
		return Response{}, err
	}
	return reply("Deleted view "+c.Cmd.View, ""), nil
}
