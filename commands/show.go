package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// showMessages is how many of the last messages show lists.
const showMessages = 5

// showBodyLength is how much of each message show prints: a whole message
// as people write them, while a pasted megabyte stays out of the chat.
const showBodyLength = 500

// show describes one conversation: contact, channel, lead source, tags,
// region, assignee, followers, the last messages and who had it when, and why.
func (s *Service) show(ctx context.Context, c call) (Response, error) {
	conv, err := s.Store.Conversation(ctx, c.Cmd.ID)
	if err != nil {
		return Response{}, err
	}
	msgs, err := s.Store.Messages(ctx, conv.ID, showMessages)
	if err != nil {
		return Response{}, err
	}
	hist, err := s.Store.History(ctx, conv.ID)
	if err != nil {
		return Response{}, err
	}
	ct := conv.Contact
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("Contact: %s", contactLine(ct))
	line("Channel: %s   Status: %s", conv.Channel, conv.Status)
	if conv.Subject != "" {
		line("Subject: %s", conv.Subject)
	}
	line("Lead source: %s   Tags: %s   Region: %s", orNone(ct.LeadSource), orNone(strings.Join(ct.Tags, ", ")), orNone(ct.Region))
	if len(ct.Custom) > 0 {
		line("Custom: %s", customLine(ct.Custom))
	}
	assignee := orNone(conv.AssigneeName)
	if !conv.Assigned() {
		assignee = "none (Team inbox)"
	}
	if ct.OwnerName != "" {
		assignee += "   Contact owner: " + ct.OwnerName
	}
	line("Assignee: %s", assignee)
	line("Followers: %s", names(conv.Followers))
	if conv.SLA.Policy != "" {
		line("Service level: %s; due: %s", conv.SLA.Policy, dueText(conv.SLA, s.now()))
	}
	line("Last messages:")
	if len(msgs) == 0 {
		line("  none")
	}
	for _, m := range msgs {
		line("  %s %s: %s", s.when(m.SentAt), s.author(m, ct), excerpt(m.Body, showBodyLength))
	}
	line("History:")
	if len(hist) == 0 {
		line("  none")
	}
	for _, e := range hist {
		line("  %s", s.event(e))
	}
	r := reply(fmt.Sprintf("%s %s", conv.Ref(), ct.DisplayName()), strings.TrimRight(b.String(), "\n"))
	r.Cards = cards(c.Actor, conv1(conv))
	return r, nil
}

// author says who wrote a message and what it is: the contact, a reply
// to the contact with where it is on its way, or an internal note.
func (s *Service) author(m inboxbot.Message, ct inboxbot.Contact) string {
	name := orNone(m.AuthorName)
	switch m.Direction {
	case inboxbot.DirectionInbound:
		return ct.DisplayName()
	case inboxbot.DirectionNote:
		return name + " (internal note)"
	}
	switch m.Delivery {
	case inboxbot.DeliveryFailed:
		return fmt.Sprintf("%s to %s (NOT DELIVERED: %s)", name, ct.DisplayName(), excerpt(m.DeliveryError, 200))
	case inboxbot.DeliveryPending:
		return fmt.Sprintf("%s to %s (sending)", name, ct.DisplayName())
	}
	return fmt.Sprintf("%s to %s", name, ct.DisplayName())
}

// contactLine is the contact's name and every way to reach them.
func contactLine(ct inboxbot.Contact) string {
	parts := []string{ct.DisplayName()}
	for _, p := range []string{ct.Email, ct.Phone} {
		if p != "" && p != ct.DisplayName() {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ") + " (id " + ct.ExternalID + ")"
}

func customLine(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + m[k]
	}
	return strings.Join(keys, " ")
}

// event tells one change of hands: when, from whom to whom, by whom or
// which rule, through which surface, and why.
func (s *Service) event(e inboxbot.AssignmentEvent) string {
	move := fmt.Sprintf("%s -> %s", orTeam(e.FromName), orTeam(e.ToName))
	switch e.Kind {
	case inboxbot.KindClose:
		move = "closed"
	case inboxbot.KindReopen:
		move = "reopened"
	}
	by := e.ActorName
	switch {
	case e.RuleName != "":
		by = fmt.Sprintf("rule %q", e.RuleName)
	case by == "" && e.Via == inboxbot.ViaContact:
		by = "contact owner"
	case by == "" && e.Via == inboxbot.ViaInbound:
		by = "the contact's new message"
	case by == "" && e.Via == inboxbot.ViaAPI:
		by = "the API"
	case by == "":
		by = "inboxbot"
	}
	out := fmt.Sprintf("%s %s by %s via %s", s.when(e.At), move, by, e.Via)
	if e.Reason != "" {
		out += ": " + e.Reason
	}
	return out
}

func orTeam(name string) string {
	if name == "" {
		return "Team inbox"
	}
	return name
}
