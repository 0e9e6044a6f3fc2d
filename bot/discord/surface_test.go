package discord_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/bot/surfacetest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

func TestDiscord_SurfaceContract(t *testing.T) {
	surfacetest.Run(t, func(t *testing.T, st *store.Store) surfacetest.Driver {
		e := newIntakeEnv(t, st, discordtest.New(t, token), "replica-1")
		e.svc.Webhook = true
		t.Cleanup(func() {
			if v := e.fake.Violations(); len(v) != 0 {
				t.Errorf("Discord would refuse: %v", v)
			}
		})
		return &discordDriver{e: e, names: map[string]string{}}
	})
}

// discordDriver is the surface contract's Driver over the fake Discord,
// with HTTP interactions and Contact support on.
type discordDriver struct {
	e     *env
	users int
	// names are the people who wrote in threads, by user id.
	names map[string]string
	// gateway is whether the bot is connected to the fake's gateway
	// (from the first message written in a thread).
	gateway bool
}

func (d *discordDriver) Store() *store.Store { return d.e.st }

func (d *discordDriver) Service() *commands.Service { return d.e.svc }

func (d *discordDriver) Join(name string, role inboxbot.Role) inboxbot.Member {
	d.users++
	m, err := d.e.st.CreateMember(ctx, inboxbot.Member{Name: name, Role: role,
		DiscordID: fmt.Sprintf("1000000000000001%02d", d.users)})
	if err != nil {
		d.e.t.Fatal(err)
	}
	return m
}

func (d *discordDriver) Flush() { d.e.flush() }

var (
	// pings are Discord's mentions as markdown: @everyone, @here, <@id>,
	// <@!id>, <@&role> (escaped ones carry a zero-width space).
	pings = regexp.MustCompile(`(^|[^\x{200b}])@(everyone|here)|<@[!&]?\d+>`)
	// buttonOf finds the actions of a card's components.
	buttonOf = regexp.MustCompile(`"custom_id":"inbox:(\w+):(\d+)"`)
)

func (d *discordDriver) Card(id int64) surfacetest.Card {
	var c surfacetest.Card
	for _, m := range d.e.fake.Messages(inboxCh) {
		if !strings.Contains(string(m.Body), fmt.Sprintf(`"inbox:show:%d"`, id)) {
			continue
		}
		c.Posted++
		c.Text = string(m.Body)
		c.Actions = nil
		for _, b := range buttonOf.FindAllStringSubmatch(c.Text, -1) {
			c.Actions = append(c.Actions, commands.Action(b[1]))
		}
		var body struct {
			AllowedMentions struct {
				Parse []string `json:"parse"`
			} `json:"allowed_mentions"`
		}
		json.Unmarshal(m.Body, &body)
		c.Pings = len(body.AllowedMentions.Parse) > 0 || pings.MatchString(surfacetest.Strings(m.Body))
	}
	return c
}

func (d *discordDriver) Press(as inboxbot.Member, id int64, a commands.Action, target inboxbot.Member) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	card := cardOf(e.t, e.fake, id)
	who := user(as.DiscordID, as.Name)
	customID := fmt.Sprintf("inbox:%s:%d", a, id)
	i := e.click(who, customID, inboxCh, card.ID)
	if a == commands.ActionAssign {
		i = e.pick(who, customID, inboxCh, card.ID, target.DiscordID, target.Name)
	}
	start := time.Now()
	out := e.do(i)
	elapsed := time.Since(start)
	text, _ := content(out)
	return surfacetest.Answer{Text: text, Elapsed: elapsed}
}

func (d *discordDriver) Reply(as inboxbot.Member, id int64, text string) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	card := cardOf(e.t, e.fake, id)
	who := user(as.DiscordID, as.Name)
	if out := e.do(e.click(who, fmt.Sprintf("inbox:reply:%d", id), inboxCh, card.ID)); out["type"] != 9.0 {
		e.t.Fatalf("Reply opened no form: %s", mustJSON(out))
	}
	start := time.Now()
	out := e.do(e.submit(who, id, text, card.ID))
	elapsed := time.Since(start)
	answer, _ := content(out)
	return surfacetest.Answer{Text: answer, Elapsed: elapsed}
}

func (d *discordDriver) DMs(to inboxbot.Member) []string { return dms(d.e.fake, to.DiscordID) }

func (d *discordDriver) Failing(on bool) {
	if on {
		d.e.fake.FailRate(1)
		return
	}
	d.e.fake.FailRate(0)
	d.e.st.Now = func() time.Time { return time.Now().Add(time.Hour) }
}

func (d *discordDriver) Deadline() time.Duration { return 3 * time.Second }

func (d *discordDriver) Outsider(id int64, a commands.Action) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	card := cardOf(e.t, e.fake, id)
	i := e.click(user("100000000000000666", "mallory"), fmt.Sprintf("inbox:%s:%d", a, id), inboxCh, card.ID)
	i["guild_id"] = "100000000000000666"
	start := time.Now()
	out := e.do(i)
	elapsed := time.Since(start)
	text, _ := content(out)
	return surfacetest.Answer{Text: text, Elapsed: elapsed}
}

func (d *discordDriver) Twice(as inboxbot.Member, id int64, a commands.Action, between func()) (surfacetest.Answer, surfacetest.Answer) {
	e := d.e
	e.t.Helper()
	card := cardOf(e.t, e.fake, id)
	i := e.click(user(as.DiscordID, as.Name), fmt.Sprintf("inbox:%s:%d", a, id), inboxCh, card.ID)
	send := func() surfacetest.Answer {
		start := time.Now()
		out := e.do(i)
		elapsed := time.Since(start)
		text, _ := content(out)
		return surfacetest.Answer{Text: text, Elapsed: elapsed}
	}
	first := send()
	between()
	return first, send()
}
