package slack

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Run takes slash commands, interactions and events over a
// Socket Mode websocket until ctx ends, feeding them to the same handlers
// as HTTP mode, and acknowledges every envelope. slack-go reconnects when
// Slack asks it to; Run returns when it gives up.
func (a *Adapter) Run(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs an app-level token")
	}
	client := socketmode.New(a.api,
		socketmode.OptionLog(log.New(&slogWriter{a.log}, "", 0)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-client.Events:
				a.deadline.Go(func() { a.envelope(ctx, client, ev) })
			}
		}
	}()
	err := client.RunContext(ctx)
	cancel()
	<-done
	if ctx.Err() != nil {
		return nil
	}
	return err
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
	case socketmode.EventTypeConnected:
		a.log.Info("slack: Socket Mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		a.log.Warn("slack: Socket Mode connection problem", "event", string(ev.Type))
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
			a.later(ctx, func(ctx context.Context) { a.event(ctx, e) })
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

// slogWriter turns slack-go's log lines into debug records.
type slogWriter struct{ log *slog.Logger }

func (w *slogWriter) Write(p []byte) (int, error) {
	w.log.Debug("slack-go: " + string(p))
	return len(p), nil
}
