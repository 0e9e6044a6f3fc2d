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
	// Saving over a view of the same name (in any case) replaces it; look
	// it up first so the reply can say what was replaced.
	old, replacing, err := s.ownView(ctx, c.Actor.ID, c.Cmd.View)
	if err != nil {
		return Response{}, err
	}
	v, err := s.Store.SaveView(ctx, inboxbot.View{OwnerID: c.Actor.ID, Name: c.Cmd.View, Query: q.String(), Shared: c.Cmd.Shared})
	if err != nil {
		return Response{}, err
	}
	var lines []string
	title := "Saved view"
	if replacing {
		// The store keeps the name as first saved: "save V1" over v1 is v1.
		v.Name = old.Name
		title = "Replaced view"
		lines = append(lines, fmt.Sprintf("It was: %s, visible to %s.", old.Query, visibleTo(old.Shared)))
	}
	lines = append(lines, fmt.Sprintf("Visible to %s. Use it with /inbox list view:%s", visibleTo(v.Shared), v.Name))
	return reply(fmt.Sprintf("%s %s: %s", title, v.Name, v.Query), strings.Join(lines, "\n")), nil
}

// ownView finds the member's own view called name, case-insensitively as
// the store matches names.
func (s *Service) ownView(ctx context.Context, member int64, name string) (inboxbot.View, bool, error) {
	vs, err := s.Store.Views(ctx, member)
	if err != nil {
		return inboxbot.View{}, false, err
	}
	for _, v := range vs {
		if v.OwnerID == member && strings.EqualFold(v.Name, name) {
			return v, true, nil
		}
	}
	return inboxbot.View{}, false, nil
}

func visibleTo(shared bool) string {
	if shared {
		return "the team"
	}
	return "only you"
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

// viewDelete deletes one of the asker's own views; an admin who has none
// of that name deletes the shared view of that name, whoever made it, so
// that no shared view is beyond everyone's reach.
func (s *Service) viewDelete(ctx context.Context, c call) (Response, error) {
	err := s.Store.DeleteView(ctx, c.Actor.ID, c.Cmd.View)
	if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND && c.Actor.Role == inboxbot.RoleAdmin {
		v, derr := s.Store.DeleteSharedView(ctx, c.Cmd.View)
		if inboxbot.ErrorCode(derr) == inboxbot.ENOTFOUND {
			return Response{}, err
		}
		if derr != nil {
			return Response{}, derr
		}
		return reply(fmt.Sprintf("Deleted %s's shared view %s", v.OwnerName, inboxbot.Clip(v.Name)), ""), nil
	}
	if err != nil {
		return Response{}, err
	}
	return reply("Deleted view "+inboxbot.Clip(c.Cmd.View), ""), nil
}
