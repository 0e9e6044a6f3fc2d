package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// listLimit caps the cards of one list; chat messages have little room.
const listLimit = 25

// list shows conversations: the asker's inbox by default, the Team inbox,
// the ones they follow, all of them, or a member's, narrowed by filters or
// by a saved view.
func (s *Service) list(ctx context.Context, c call) (Response, error) {
	q, err := s.withView(ctx, c, c.Cmd.Query)
	if err != nil {
		return Response{}, err
	}
	f, title, err := s.filter(ctx, c, q)
	if err != nil {
		return Response{}, err
	}
	// One more than is shown tells whether there are more, without a
	// count the store does not have: the title then claims no total.
	f.Limit = listLimit + 1
	convs, err := s.Store.List(ctx, f)
	if err != nil {
		return Response{}, err
	}
	howMany, text := count(len(convs), string(f.Status)), ""
	switch {
	case len(convs) == 0:
		text = "Nothing here."
	case len(convs) > listLimit:
		convs = convs[:listLimit]
		howMany = fmt.Sprintf("more than %d %s conversations", listLimit, f.Status)
		text = fmt.Sprintf("Showing the %d most recent; narrow it with filters to see others.", listLimit)
	}
	r := reply(fmt.Sprintf("%s: %s", title, howMany), text)
	r.Cards = cards(c.Actor, convs)
	return r, nil
}

// withView merges the saved view named in q under q's own words: what was
// typed wins over what the view says.
func (s *Service) withView(ctx context.Context, c call, q Query) (Query, error) {
	if q.View == "" {
		return q, nil
	}
	v, err := s.Store.View(ctx, c.Actor.ID, q.View)
	if err != nil {
		return Query{}, err
	}
	vq, err := parseQuery("list", strings.Fields(v.Query))
	if err != nil {
		return Query{}, inboxbot.Errorf(inboxbot.EINVALID, "View %q no longer reads as a filter (%s); save it again.", v.Name, err)
	}
	// Typed words say whose conversations (scope and member together) and
	// replace the view's filters one by one.
	if q.Scope != "" || q.Member != "" {
		vq.Scope, vq.Member = q.Scope, q.Member
	}
	for _, f := range []struct{ dst, src *string }{{&vq.Status, &q.Status}, {&vq.Tag, &q.Tag}, {&vq.Channel, &q.Channel}, {&vq.SLA, &q.SLA}} {
		if *f.src != "" {
			*f.dst = *f.src
		}
	}
	vq.View = v.Name
	return vq, checkQuery("list", vq)
}

// filter turns a query into a store filter and a title, for the asker.
func (s *Service) filter(ctx context.Context, c call, q Query) (inboxbot.Filter, string, error) {
	f := inboxbot.Filter{Status: inboxbot.Status(q.Status), Tag: q.Tag, Channel: q.Channel, SLA: q.SLA}
	if f.Status == "" {
		f.Status = inboxbot.StatusOpen
	}
	var title string
	switch q.Scope {
	case "team":
		f.Unassigned, title = true, "Team inbox"
	case "following":
		f.FollowerID, title = c.Actor.ID, "Following"
	case "all":
		title = "All conversations"
	case "mine":
		f.AssigneeID, title = c.Actor.ID, "Your inbox"
	default:
		if q.Member == "" {
			f.AssigneeID, title = c.Actor.ID, "Your inbox"
		}
	}
	if q.Member != "" {
		m, err := s.member(ctx, c.Platform, q.Member)
		if err != nil {
			return f, "", err
		}
		f.AssigneeID = m.ID
		if title == "" {
			title = "Assigned to " + m.Name
		} else {
			title += ", assigned to " + m.Name
		}
	}
	var extra []string
	if q.Tag != "" {
		extra = append(extra, "tag "+q.Tag)
	}
	if q.Channel != "" {
		extra = append(extra, "channel "+q.Channel)
	}
	if q.SLA != "" {
		extra = append(extra, "SLA "+q.SLA)
	}
	if len(extra) > 0 {
		title += " (" + strings.Join(extra, ", ") + ")"
	}
	if q.View != "" {
		title = fmt.Sprintf("View %s: %s", q.View, title)
	}
	return f, title, nil
}

// count says "3 open conversations", "1 closed conversation".
func count(n int, status string) string { return counted(n, status+" conversation") }
