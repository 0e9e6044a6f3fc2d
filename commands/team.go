package commands

import (
	"context"
	"fmt"
	"strings"
)

// team lists the members with their role, availability and open load.
func (s *Service) team(ctx context.Context, c call) (Response, error) {
	ms, err := s.Store.Members(ctx)
	if err != nil {
		return Response{}, err
	}
	lines := make([]string, len(ms))
	for i, m := range ms {
		load := fmt.Sprintf("%d open", m.OpenCount)
		if m.Capacity > 0 {
			load = fmt.Sprintf("%d/%d open", m.OpenCount, m.Capacity)
		}
		var links []string
		if m.SlackID != "" {
			links = append(links, "slack "+m.SlackID)
		}
		if m.DiscordID != "" {
			links = append(links, "discord "+m.DiscordID)
		}
		line := fmt.Sprintf("%-12s %-8s %-9s %s", m.Name, m.Role, m.Availability(), load)
		if len(links) > 0 {
			line += "  (" + strings.Join(links, ", ") + ")"
		}
		lines[i] = line
	}
	return reply(fmt.Sprintf("Team: %s", counted(len(ms), "member")), strings.Join(lines, "\n")), nil
}
