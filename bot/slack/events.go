package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/slack-go/slack/slackevents"
)

// serveEvent answers an Events API request: url_verification with its
// challenge, events with 200 once recorded. A retry of an event already
// handled (X-Slack-Retry-Num, the same event id) is acknowledged and not
// run again.
func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ev, err := decodeEvent(body)
	if err != nil {
		a.refuse(w, http.StatusBadRequest, "malformed", "not an Events API payload")
		return
	}
	if ev.Type == slackevents.URLVerification {
		a.metrics.interaction("url_verification")
		v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
		if !ok {
			a.refuse(w, http.StatusBadRequest, "malformed", "url_verification without a challenge")
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, v.Challenge)
		return
	}
	if r.Header.Get("X-Slack-Retry-Num") != "" {
		a.metrics.interaction("event_retry")
	}
	team := contextTeam(body)
	a.later(r.Context(), func(ctx context.Context) { a.event(ctx, ev, team) })
	w.WriteHeader(http.StatusOK)
}

// decodeEvent reads an Events API request body. The signing secret, not
// the deprecated verification token, proves it came from Slack.
func decodeEvent(body []byte) (slackevents.EventsAPIEvent, error) {
	return slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
}

// event handles one Events API event, once per event id across replicas,
// when it was delivered for this installation (ctxTeam is the envelope's
// context_team_id): an event for another app or workspace is acknowledged
// and ignored, as Slack expects (any other answer makes it retry).
func (a *Adapter) event(ctx context.Context, ev slackevents.EventsAPIEvent, ctxTeam string) {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || ev.Type != slackevents.CallbackEvent || !a.ourEvent(cb, ctxTeam) {
		return
	}
	if msg, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent); ok {
		a.metrics.interaction("message")
		if a.intakeChannel(msg.Channel) {
			// Stored once by its message id, however often it comes.
			a.intakeMessage(ctx, msg)
			return
		}
		if _, _, _, note := threadNote(msg, a.cfg.InboxChannel); !note {
			// Most messages in the channel are not notes; they cost no
			// write to the event log.
			return
		}
	}
	if cb.EventID != "" {
		first, err := a.service.Store.FirstDelivery(ctx, platform, cb.EventID)
		if err != nil {
			// Running twice costs an extra views.publish; not running
			// at all would leave the App Home stale.
			a.log.Warn("slack: could not record the event id; handling it anyway", "event", cb.EventID, "err", err)
		} else if !first {
			a.log.Info("slack: event already handled", "event", cb.EventID)
			return
		}
	}
	switch inner := ev.InnerEvent.Data.(type) {
	case *slackevents.AppHomeOpenedEvent:
		a.metrics.interaction("app_home_opened")
		if inner.Tab == "home" || inner.Tab == "" {
			a.publishHome(ctx, inner.User, "")
		}
	case *slackevents.MessageEvent:
		a.note(ctx, inner)
	case *slackevents.ReactionAddedEvent:
		a.metrics.interaction("reaction_added")
		a.ticketReaction(ctx, inner)
	default:
		a.metrics.interaction(ev.InnerEvent.Type)
	}
}
