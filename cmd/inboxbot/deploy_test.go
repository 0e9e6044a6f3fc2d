package main

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
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
