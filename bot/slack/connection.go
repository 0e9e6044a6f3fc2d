package slack

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Run takes slash commands, interactions and events over a
// Socket Mode websocket until ctx ends, feeding them to the same handlers
// as HTTP mode, and acknowledges every envelope. slack-go reconnects when
// Slack asks it to (a disconnect envelope), when the connection drops and
// while Slack cannot be reached; Run returns when it gives up: a refused
// app token is a *RefusedError naming SLACK_APP_TOKEN.
func (a *Adapter) Run(parent context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs an app-level token")
	}
	client := socketmode.New(a.api,
		socketmode.OptionLog(log.New(&slogWriter{a.log}, "", 0)),
		// slack-go says why it reconnects only in its debug lines, which
		// also hold message text: on only when the log wants debug.
		socketmode.OptionDebug(a.log.Enabled(parent, slog.LevelDebug)))
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	defer a.connected(false)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-client.Events:
				if ev.Type != socketmode.EventTypeSlashCommand && ev.Type != socketmode.EventTypeInteractive &&
					ev.Type != socketmode.EventTypeEventsAPI {
					// Connection events are handled in order, so the
					// last state reported is the current one.
					a.envelope(ctx, client, ev)
					continue
				}
				a.deadline.Go(func() { a.envelope(ctx, client, ev) })
			}
		}
	}()
	err := client.RunContext(ctx)
	cancel()
	<-done
	// ctx was just cancelled here; only the caller's context ending is a
	// clean stop.
	if parent.Err() != nil {
		return nil
	}
	return fmt.Errorf("slack: Socket Mode: %w", refused(err, "SLACK_APP_TOKEN"))
}

// envelope handles one Socket Mode event. Requests are acknowledged first
// except slash commands, whose acknowledgement may carry the answer.
func (a *Adapter) envelope(ctx context.Context, client *socketmode.Client, ev socketmode.Event) {
	ack := func(payload ...any) {
		if ev.Request == nil {
			return
		}
		if err := client.AckCtx(ctx, ev.Request.EnvelopeID, first(payload)); err != nil {
			a.log.Warn("slack: socket mode ack failed", "err", err)
		}
	}
	a.log.Debug("slack: socket mode event", "type", string(ev.Type), "data", fmt.Sprintf("%T", ev.Data))
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		a.connected(false)
	case socketmode.EventTypeConnected:
		if c, ok := ev.Data.(*socketmode.ConnectedEvent); ok && c.ConnectionCount > 0 {
			a.log.Info("slack: Socket Mode reconnected", "connections", c.ConnectionCount+1)
		} else {
			a.log.Info("slack: Socket Mode connected")
		}
		a.connected(true)
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeDisconnect,
		socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.socketProblem(ev)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slackapi.SlashCommand)
		if !ok {
			ack()
			return
		}
		a.slash(ctx, cmd, func(m *slackapi.Msg) {
			if m == nil {
				ack()
				return
			}
			ack(m)
		})
	case socketmode.EventTypeInteractive:
		ic, ok := ev.Data.(slackapi.InteractionCallback)
		if ok && ic.Type == slackapi.InteractionTypeViewSubmission {
			// The acknowledgement carries the form's answer.
			a.submit(ctx, ic, func(resp *slackapi.ViewSubmissionResponse) {
				if resp == nil {
					ack()
					return
				}
				ack(resp)
			})
			return
		}
		ack()
		if ok {
			a.later(ctx, func(ctx context.Context) { a.interact(ctx, ic) })
		}
	case socketmode.EventTypeEventsAPI:
		ack()
		if e, ok := ev.Data.(slackevents.EventsAPIEvent); ok {
			var team string
			if ev.Request != nil {
				team = contextTeam(ev.Request.Payload)
			}
			a.later(ctx, func(ctx context.Context) { a.event(ctx, e, team) })
		}
	}
}

// first is the optional payload of an acknowledgement.
func first(payload []any) any {
	if len(payload) == 0 {
		return nil
	}
	return payload[0]
}

// slogWriter turns slack-go's log lines into debug records, but for the
// reason of a reconnection, which is worth an info record.
type slogWriter struct{ log *slog.Logger }

func (w *slogWriter) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	if reason, ok := strings.CutPrefix(line, "Reconnecting due to "); ok {
		w.log.Info("slack: Socket Mode reconnecting", "reason", reason)
		return len(p), nil
	}
	w.log.Debug("slack-go: " + line)
	return len(p), nil
}
