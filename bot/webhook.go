package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/inboxbot/inboxbot"
)

// Webhook delivers members' replies to the system the conversation came
// from (INBOXBOT_OUTBOUND_URL). It is the outbox's Sender for
// inboxbot.PlatformWebhook, so a reply is delivered at least once, retried
// with back-off, and carries the same Idempotency-Key on every try.
type Webhook struct {
	URL string
	// Secret keys the HMAC-SHA256 signature of every request.
	Secret string
	// Client sends the requests; nil means one with a 10 s timeout. Its
	// redirect policy is ignored: a redirect is never followed.
	Client *http.Client
	// Now is the clock of the signature's timestamp; nil means time.Now.
	Now func() time.Time
}

// WebhookPayload is the JSON body of a reply delivery.
type WebhookPayload struct {
	ConversationID int64  `json:"conversation_id"`
	Channel        string `json:"channel"`
	Contact        struct {
		ExternalID string `json:"external_id"`
	} `json:"contact"`
	Message struct {
		ID     string    `json:"id"`
		Body   string    `json:"body"`
		Author string    `json:"author"`
		SentAt time.Time `json:"sent_at"`
	} `json:"message"`
}

// Sign returns the X-Inboxbot-Signature of body sent at timestamp (unix
// seconds): "v1=" and the hex HMAC-SHA256 of "<timestamp>.<body>".
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Send POSTs one reply. A 2xx answer delivers it; 429 and 5xx, and any
// failure to reach the receiver, are retried (after Retry-After when
// given); any other answer fails it for good, with the receiver's words.
// A redirect is not followed (it would re-send the signed body to another
// host, or mark the reply sent when a page answered 200): it fails the
// reply for good, naming the Location.
func (w *Webhook) Send(ctx context.Context, n inboxbot.Notification) error {
	m := n.Notice.Message
	if m == nil {
		return &Permanent{Reason: "the notification carries no reply"}
	}
	var p WebhookPayload
	p.ConversationID, p.Channel, p.Contact.ExternalID = n.Notice.ConversationID, n.Notice.Channel, n.Notice.ContactID
	p.Message.ID, p.Message.Body, p.Message.Author = strconv.FormatInt(m.ID, 10), m.Body, m.AuthorName
	p.Message.SentAt = m.SentAt.UTC()
	body, err := json.Marshal(p)
	if err != nil {
		return &Permanent{Reason: err.Error()}
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return &Permanent{Reason: "INBOXBOT_OUTBOUND_URL: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "inboxbot")
	req.Header.Set("X-Inboxbot-Timestamp", ts)
	req.Header.Set("X-Inboxbot-Signature", Sign(w.Secret, ts, body))
	req.Header.Set("Idempotency-Key", n.DedupeKey)
	client := http.Client{Timeout: 10 * time.Second}
	if w.Client != nil {
		client = *w.Client
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		// Not the *url.Error itself: it quotes the URL, which may hold a
		// token.
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return fmt.Errorf("outbound webhook: %w", err)
	}
	defer resp.Body.Close()
	said, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code >= 300 && code < 400:
		return &Permanent{Reason: fmt.Sprintf("the receiver answered %d, a redirect to %q; redirects are not followed, set INBOXBOT_OUTBOUND_URL to the final address", code, resp.Header.Get("Location"))}
	case code == http.StatusTooManyRequests || code >= 500:
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			return &RateLimited{After: time.Duration(s) * time.Second}
		}
		return fmt.Errorf("outbound webhook answered %d: %s", code, said)
	default:
		return &Permanent{Reason: fmt.Sprintf("the receiver refused the reply (%d): %s", code, bytes.TrimSpace(said))}
	}
}
