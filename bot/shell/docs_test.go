package shell_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocs_TranscriptsAreGoldenOutput keeps the console sessions in
// docs/commands.md true: every fenced block without a language there is a
// transcript and must appear, word for word, in a golden file of testdata/.
// When a golden changes, copy the new output into the document.
func TestDocs_TranscriptsAreGoldenOutput(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "commands.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	var goldens []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		goldens = append(goldens, string(b))
	}
	blocks := transcripts(string(doc))
	if len(blocks) == 0 {
		t.Fatal("docs/commands.md has no transcript blocks; did the fences change?")
	}
	for _, b := range blocks {
		if !inAny(goldens, b) {
			t.Errorf("docs/commands.md: the transcript starting %q is in no golden file; first line that is not: %q",
				firstLine(b), firstStray(goldens, b))
		}
	}
}

// transcripts returns the text of each fenced block that names no
// language, each line ending in a newline as in the golden files.
func transcripts(doc string) []string {
	var (
		out   []string
		block []string
		in    bool
		plain bool
	)
	for _, line := range strings.Split(doc, "\n") {
		fence := strings.HasPrefix(line, "```")
		switch {
		case fence && !in:
			in, plain, block = true, strings.TrimSpace(line) == "```", nil
		case fence && in:
			in = false
			if plain {
				out = append(out, strings.Join(block, "\n")+"\n")
			}
		case in:
			block = append(block, line)
		}
	}
	return out
}

func inAny(goldens []string, s string) bool {
	for _, g := range goldens {
		if strings.Contains(g, s) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// firstStray is the first line of block found in no golden file, or ""
// when every line is found and only their order differs.
func firstStray(goldens []string, block string) string {
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		if !inAny(goldens, line+"\n") {
			return line
		}
	}
	return ""
}
