package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/inboxbot/inboxbot/bot/slack"
)

// TestDeploy_ComposePassesEveryVariable keeps deploy/docker-compose.yml in
// step with the configuration: every variable reaches the replicas, and a
// platform variable defaults to empty, since a lone one (a shard count
// defaulted to 1, say) would stop the start.
func TestDeploy_ComposePassesEveryVariable(t *testing.T) {
	data, err := os.ReadFile("../../deploy/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Inboxbot struct {
			Environment map[string]string `yaml:"environment"`
		} `yaml:"x-inboxbot"`
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	env := compose.Inboxbot.Environment
	// Each replica its own gateway shard, the rest as x-inboxbot passes it.
	shards := map[string]string{}
	for name, svc := range compose.Services {
		if !strings.HasPrefix(name, "inboxbot") {
			continue
		}
		id := svc.Environment["DISCORD_SHARD_ID"]
		if other, dup := shards[id]; dup || id == "" {
			t.Errorf("docker-compose.yml: %s has DISCORD_SHARD_ID %q, as %s has", name, id, other)
		}
		shards[id] = name
		if svc.Environment["SLACK_BOT_TOKEN"] != env["SLACK_BOT_TOKEN"] {
			t.Errorf("docker-compose.yml: %s does not merge the shared environment", name)
		}
	}
	if len(shards) != 2 {
		t.Errorf("docker-compose.yml: %d inboxbot services, want 2", len(shards))
	}
	// Set by the compose file itself, not passed through.
	own := map[string]bool{"DATABASE_URL": true, "INBOXBOT_HTTP_ADDR": true}
	var s sharedEnv
	var o ownEnv
	for _, v := range envVars(&s, &o) {
		got, ok := env[v.Name]
		switch {
		case own[v.Name]:
		case !ok:
			t.Errorf("docker-compose.yml does not pass %s", v.Name)
		case strings.HasPrefix(v.Name, "SLACK_") || strings.HasPrefix(v.Name, "DISCORD_") || v.Default == "":
			if got != "${"+v.Name+":-}" {
				t.Errorf("docker-compose.yml: %s: %q, want ${%s:-}", v.Name, got, v.Name)
			}
		default:
			if got != "${"+v.Name+":-}" && got != "${"+v.Name+":-"+v.Default+"}" {
				t.Errorf("docker-compose.yml: %s: %q, want ${%s:-} or ${%s:-%s}", v.Name, got, v.Name, v.Name, v.Default)
			}
		}
	}
}

// TestDocs_OperationsListsEveryVariable keeps the configuration table of
// docs/operations.md complete.
func TestDocs_OperationsListsEveryVariable(t *testing.T) {
	data, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	var s sharedEnv
	var o ownEnv
	for _, v := range envVars(&s, &o) {
		if !strings.Contains(string(data), "| `"+v.Name+"` |") {
			t.Errorf("docs/operations.md has no table row for %s", v.Name)
		}
	}
}

// TestDeploy_SlackManifestAsksForWhatTheAdapterUses keeps
// deploy/slack-app-manifest.yaml in step with the Slack adapter: the
// command, the scopes of every Web API method it calls, the events it
// handles and the inbox_send shortcut.
func TestDeploy_SlackManifestAsksForWhatTheAdapterUses(t *testing.T) {
	data, err := os.ReadFile("../../deploy/slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			SlashCommands []struct{ Command string } `yaml:"slash_commands"`
			Shortcuts     []struct {
				Name, Type string
				CallbackID string `yaml:"callback_id"`
			} `yaml:"shortcuts"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct{ Bot []string } `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				BotEvents []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("slack-app-manifest.yaml: %v", err)
	}
	has := func(list []string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !slices.Contains(list, w) {
				t.Errorf("slack-app-manifest.yaml lacks %s (has %v)", w, list)
			}
		}
	}
	has(m.OAuth.Scopes.Bot, "commands", "chat:write", "im:write", "users:read", "channels:history", "groups:history",
		"channels:read", "groups:read", "chat:write.customize", "reactions:read", "reactions:write")
	has(m.Settings.Events.BotEvents, "app_home_opened", "message.channels", "message.groups", "reaction_added")
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/inbox" {
		t.Errorf("slash commands %+v, want /inbox", m.Features.SlashCommands)
	}
	if len(m.Features.Shortcuts) != 1 || m.Features.Shortcuts[0].CallbackID != slack.ShortcutSend ||
		m.Features.Shortcuts[0].Type != "message" {
		t.Errorf("shortcuts %+v, want the message shortcut %s", m.Features.Shortcuts, slack.ShortcutSend)
	}
}
