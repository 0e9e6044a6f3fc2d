package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// statsWindows are the windows /inbox stats takes, by their word.
var statsWindows = map[string]time.Duration{"7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour}

// parseStats reads stats [7d|30d]; the window is 7 days when left out.
func parseStats(args []string) (Command, error) {
	c := Command{Name: "stats", Window: statsWindows["7d"]}
	if len(args) > 1 {
		return Command{}, reject("stats", "/inbox stats takes one window, 7d or 30d (got %q).", clip(strings.Join(args, " ")))
	}
	if len(args) == 1 {
		w, ok := statsWindows[strings.ToLower(args[0])]
		if !ok {
			return Command{}, reject("stats", "Unknown window %q: use 7d or 30d.", clip(args[0]))
		}
		c.Window = w
	}
	return c, nil
}

// stats shows the team's figures over the window to managers and admins:
// per member assigned, replied, closed, median and p90 first response,
// service-level breaches while assigned to them; team totals (breaches
// include those missed in the Team inbox).
func (s *Service) stats(ctx context.Context, c call) (Response, error) {
	if err := requireRole(c.Actor, inboxbot.RoleManager, "see the team's stats"); err != nil {
		return Response{}, err
	}
	window := c.Cmd.Window
	if window == 0 {
		window = statsWindows["7d"]
	}
	st, err := s.Store.TeamStats(ctx, s.now().Add(-window))
	if err != nil {
		return Response{}, err
	}
	days := int(window / (24 * time.Hour))
	title := fmt.Sprintf("Stats for the last %d days (since %s)", days, st.Since.Format("2006-01-02 15:04 UTC"))
	lines := []string{fmt.Sprintf("%-14s %8s %8s %7s %10s %10s %8s", "member", "assigned", "replied", "closed", "median 1st", "p90 1st", "breaches")}
	for _, m := range st.Members {
		lines = append(lines, statsLine(inboxbot.Cut(m.Name, 14), m))
	}
	lines = append(lines, statsLine("team", st.Team))
	if len(st.Members) == 0 && st.Team.Breaches == 0 {
		lines = append(lines, "Nothing was assigned, answered or closed in this window.")
	}
	lines = append(lines, "First response: from being given a conversation to your first reply to the contact on it; unanswered ones are not counted.",
		"Breaches: service-level targets missed while the conversation was assigned to the member; the team's also count those missed in the Team inbox.")
	return reply(title, strings.Join(lines, "\n")), nil
}

// statsLine is one row of the stats table.
func statsLine(name string, m inboxbot.MemberStats) string {
	median, p90 := "-", "-"
	if d, ok := m.Percentile(50); ok {
		median = shortDuration(d)
	}
	if d, ok := m.Percentile(90); ok {
		p90 = shortDuration(d)
	}
	return fmt.Sprintf("%-14s %8d %8d %7d %10s %10s %8d", name, m.Assigned, m.Replied, m.Closed, median, p90, m.Breaches)
}

// shortDuration writes d for a table: 42s, 17m, 3h05m, 2d04h.
func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}
