// SPDX-License-Identifier: MIT

package tinyticket

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// Paths relative to this package's folder (go/tinyticket); the third-party
// folder is TINY_TICKET_SHARED_DIR or ../shared beside the checkout.
func shippedModel() string { return filepath.Join("..", "..", "models", "tiny_ticket-default-v6.json") }

func sharedDir() string {
	if d := os.Getenv("TINY_TICKET_SHARED_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared")
}

func referenceModel() string {
	return filepath.Join(sharedDir(), "compat", "tickets-inf", "model.json")
}
func goldenTexts() string { return filepath.Join(sharedDir(), "compat", "tickets-inf", "golden.jsonl") }

var sampleTexts = []string{
	"refund nahi mila, paisa wapas karo",
	"Where is my order #4521?",
	"I want to cancel my subscription, this app is terrible",
	"can we book a demo for 50 seats? pricing please",
	"",
	"LOGIN NOT WORKING!!! reset password email never arrives https://x.example/reset",
	"thanks, great support team :)",
	"\xff\xfe refund \xc3", // invalid UTF-8 is classified, not rejected
	"a\x00b refund",
}

func loadOrSkip(t testing.TB, path string) *Classifier {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("model %s absent: %v", path, err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readTexts reads golden.jsonl's "text" fields, or skips.
func readTexts(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("texts %s absent: %v", path, err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var row struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		texts = append(texts, row.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return texts
}

func TestVersion(t *testing.T) {
	if LibraryABIVersion() != ABIVersion {
		t.Fatalf("C library ABI %d, package expects %d", LibraryABIVersion(), ABIVersion)
	}
	if v := Version(); strings.Count(v, ".") != 2 {
		t.Fatalf("Version() = %q", v)
	}
}

func TestMetadata(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	heads := c.Heads()
	want := map[string]bool{"department": true, "sentiment": true, "lead_intent": true, "churn_risk": true, "intent": true}
	if len(heads) != len(want) {
		t.Fatalf("%d heads, want %d", len(heads), len(want))
	}
	for _, h := range heads {
		if !want[h.Name] {
			t.Errorf("unexpected head %q", h.Name)
		}
		if len(h.Labels) < 2 {
			t.Errorf("head %s: %d labels", h.Name, len(h.Labels))
		}
		labels, ok := c.Labels(h.Name)
		if !ok || len(labels) != len(h.Labels) {
			t.Errorf("Labels(%s) = %v, %v", h.Name, labels, ok)
		}
	}
	if _, ok := c.Labels("nope"); ok {
		t.Error("Labels(nope) found a head")
	}
}

func checkPrediction(t *testing.T, c *Classifier, p Prediction) {
	t.Helper()
	if len(p.Heads) != len(c.Heads()) {
		t.Fatalf("%d heads, want %d", len(p.Heads), len(c.Heads()))
	}
	for i, h := range p.Heads {
		meta := c.Heads()[i]
		if h.Name != meta.Name || len(h.Scores) != len(meta.Labels) || h.Label != meta.Labels[h.LabelIndex] {
			t.Fatalf("head %d inconsistent: %+v", i, h)
		}
		// The flag is the answer: the head's out-of-scope label, and only it.
		if h.OutOfScope != (meta.OutOfScopeLabel != "" && h.Label == meta.OutOfScopeLabel) {
			t.Fatalf("head %s: OutOfScope %v with label %q (out-of-scope label %q)", h.Name, h.OutOfScope, h.Label,
				meta.OutOfScopeLabel)
		}
		var sum float64
		top := 0
		for j, s := range h.Scores {
			sum += float64(s)
			if s > h.Confidence {
				t.Errorf("head %s: label %d scores %v above the top %v", h.Name, j, s, h.Confidence)
			}
			if s > h.Scores[top] {
				top = j
			}
		}
		second := float32(0)
		for j, s := range h.Scores {
			if j != top && s > second {
				second = s
			}
		}
		// Confidence is the top probability: the chosen label's unless the
		// out-of-scope threshold replaced the answer.
		chosen := h.Confidence == h.Scores[h.LabelIndex] || h.OutOfScope
		if math.Abs(sum-1) > 1e-4 || h.Confidence != h.Scores[top] || !chosen || h.Margin != h.Confidence-second {
			t.Errorf("head %s: sum %v, confidence %v, margin %v", h.Name, sum, h.Confidence, h.Margin)
		}
	}
}

const autoReply = "I am out of the office until Monday with limited access to email"
const inScope = "refund nahi mila, paisa wapas karo, order #4521"

func intentOf(t *testing.T, p Prediction) HeadPrediction {
	t.Helper()
	h, ok := p.Head("intent")
	if !ok {
		t.Fatal("no intent head")
	}
	return h
}

// The shipped model's intent head answers "out_of_scope" for an auto-reply
// (the label scores highest); a copy with a 0.9 threshold also answers it
// for a vague text whose top in-scope intent is below 0.9.
func TestOutOfScope(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	for _, h := range c.Heads() {
		want := ""
		if h.Name == "intent" {
			want = "out_of_scope"
		}
		if h.OutOfScopeLabel != want || h.OutOfScopeMinConfidence != 0 {
			t.Errorf("head %s: out-of-scope label %q at %v, want %q at 0", h.Name, h.OutOfScopeLabel,
				h.OutOfScopeMinConfidence, want)
		}
	}
	check := func(c *Classifier, text string, want bool) HeadPrediction {
		t.Helper()
		p, err := c.Predict(text)
		if err != nil {
			t.Fatal(err)
		}
		checkPrediction(t, c, p)
		batch, err := c.PredictBatch([]string{inScope, text}, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []HeadPrediction{intentOf(t, p), intentOf(t, batch[1])} {
			if got.OutOfScope != want || (got.Label == "out_of_scope") != want {
				t.Fatalf("%q: intent %q OutOfScope %v, want %v", text, got.Label, got.OutOfScope, want)
			}
		}
		for _, h := range p.Heads {
			if h.Name != "intent" && h.OutOfScope {
				t.Fatalf("%q: head %s without an out-of-scope label has the flag", text, h.Name)
			}
		}
		return intentOf(t, p)
	}
	check(c, autoReply, true)
	check(c, inScope, false)
	vague := check(c, "need some info", false)
	if vague.Confidence >= 0.9 {
		t.Fatalf("\"need some info\": intent confidence %v, the test needs one below 0.9", vague.Confidence)
	}

	model, err := os.ReadFile(shippedModel())
	if err != nil {
		t.Fatal(err)
	}
	field := []byte(`"out_of_scope":{"label":"out_of_scope","min_confidence":0.0}`)
	if bytes.Count(model, field) != 1 {
		t.Fatalf("%s: the intent head's out_of_scope field not found", shippedModel())
	}
	strict, err := LoadBytes(bytes.Replace(model, field,
		[]byte(`"out_of_scope":{"label":"out_of_scope","min_confidence":0.9}`), 1))
	if err != nil {
		t.Fatal(err)
	}
	defer strict.Close()
	if h := strict.Heads()[indexOf(strict, "intent")]; h.OutOfScopeLabel != "out_of_scope" ||
		math.Abs(float64(h.OutOfScopeMinConfidence)-0.9) > 1e-6 {
		t.Fatalf("strict intent head: %+v", h)
	}
	check(strict, autoReply, true)
	check(strict, inScope, false)
	got := check(strict, "need some info", true)
	if got.Confidence != vague.Confidence || got.Scores[got.LabelIndex] == got.Confidence {
		t.Fatalf("\"need some info\" below the threshold: %+v (plain model %+v)", got, vague)
	}
}

func TestPredict(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	for _, text := range sampleTexts {
		p, err := c.Predict(text)
		if err != nil {
			t.Fatalf("Predict(%q): %v", text, err)
		}
		checkPrediction(t, c, p)
	}
	p, _ := c.Predict("refund nahi mila, paisa wapas karo")
	if h, ok := p.Head("intent"); !ok || h.Label == "" {
		t.Fatalf("Head(intent) = %+v, %v", h, ok)
	}
	if _, ok := p.Head("nope"); ok {
		t.Fatal("Head(nope) found a head")
	}
	_ = p.Review()
}

// Predictions own their memory: a later prediction does not change them.
func TestPredictionsAreIndependent(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	a, _ := c.Predict(sampleTexts[0])
	saved := append([]float32(nil), a.Heads[0].Scores...)
	for _, text := range sampleTexts {
		c.Predict(text)
	}
	for i := range saved {
		if a.Heads[0].Scores[i] != saved[i] {
			t.Fatal("a prediction changed after later calls")
		}
	}
	// Scores slices cannot grow into their neighbours.
	if cap(a.Heads[0].Scores) != len(a.Heads[0].Scores) {
		t.Fatal("Scores has spare capacity shared with the next head")
	}
}

func TestPredictInto(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	var p Prediction
	for _, text := range sampleTexts {
		want, _ := c.Predict(text)
		if err := c.PredictInto(text, &p); err != nil {
			t.Fatal(err)
		}
		checkPrediction(t, c, p)
		for h := range want.Heads {
			if want.Heads[h].Label != p.Heads[h].Label || want.Heads[h].Scores[0] != p.Heads[h].Scores[0] {
				t.Fatalf("%q: PredictInto differs from Predict", text)
			}
		}
	}
	if testing.CoverMode() == "" && !raceEnabled {
		allocs := testing.AllocsPerRun(100, func() { c.PredictInto(sampleTexts[0], &p) })
		if allocs != 0 {
			t.Fatalf("PredictInto allocates %v times a call once warm", allocs)
		}
	}
	c.Close()
	if err := c.PredictInto("x", &p); !errors.Is(err, ErrClosed) {
		t.Fatalf("PredictInto after Close: %v", err)
	}
}

func TestPredictBatch(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	texts := append([]string{}, sampleTexts...)
	for i := 0; i < 40; i++ {
		texts = append(texts, sampleTexts[i%len(sampleTexts)]+" #"+strings.Repeat("x", i))
	}
	for _, threads := range []int{-1, 0, 1, 2, 3, 100} {
		got, err := c.PredictBatch(texts, threads)
		if err != nil {
			t.Fatalf("PredictBatch(threads=%d): %v", threads, err)
		}
		if len(got) != len(texts) {
			t.Fatalf("%d results for %d texts", len(got), len(texts))
		}
		for i, text := range texts {
			want, _ := c.Predict(text)
			checkPrediction(t, c, got[i])
			for h := range want.Heads {
				w, g := want.Heads[h], got[i].Heads[h]
				if w.Label != g.Label || w.Confidence != g.Confidence || w.Margin != g.Margin || w.Review != g.Review {
					t.Fatalf("text %d head %d: batch %+v, single %+v", i, h, g, w)
				}
				for j := range w.Scores {
					if w.Scores[j] != g.Scores[j] {
						t.Fatalf("text %d head %d score %d differs", i, h, j)
					}
				}
			}
		}
	}
	// PredictBatchInto reuses a Batch across calls of different sizes.
	var b Batch
	for _, n := range []int{len(texts), 3, 0, len(texts)} {
		if err := c.PredictBatchInto(texts[:n], 2, &b); err != nil || len(b.Predictions) != n {
			t.Fatalf("PredictBatchInto(%d texts): %d results, %v", n, len(b.Predictions), err)
		}
		for i := 0; i < n; i++ {
			want, _ := c.Predict(texts[i])
			if b.Predictions[i].Heads[0].Scores[0] != want.Heads[0].Scores[0] {
				t.Fatalf("PredictBatchInto text %d differs from Predict", i)
			}
		}
	}
	if testing.CoverMode() == "" && !raceEnabled {
		allocs := testing.AllocsPerRun(10, func() { c.PredictBatchInto(texts, 1, &b) })
		if allocs != 0 {
			t.Fatalf("PredictBatchInto allocates %v times a batch once warm", allocs)
		}
	}
	if got, err := c.PredictBatch(nil, 2); err != nil || len(got) != 0 {
		t.Fatalf("PredictBatch(nil) = %v, %v", got, err)
	}
	if got, err := c.PredictBatch([]string{"", ""}, 2); err != nil || len(got) != 2 {
		t.Fatalf("PredictBatch(empty texts) = %v, %v", got, err)
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing.json"))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeIO || !errors.Is(err, ErrIO) || errors.Is(err, ErrParse) {
		t.Fatalf("missing file: %#v", err)
	}
	if !strings.Contains(e.Message, "missing.json") || !strings.HasPrefix(err.Error(), "tinyticket: [tiny_ticket.io]") {
		t.Fatalf("message %q", err.Error())
	}
	if _, err := LoadBytes([]byte("not json")); !errors.Is(err, ErrParse) {
		t.Fatalf("not json: %v", err)
	}
	if _, err := LoadBytes(nil); !errors.Is(err, ErrParse) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := LoadBytes([]byte(`{"format": "tiny_ticket", "version": 999}`)); !errors.Is(err, ErrVersion) ||
		!strings.Contains(err.Error(), "/version") {
		t.Fatalf("newer version: %v", err)
	}
	data, err := os.ReadFile(shippedModel())
	if err != nil {
		t.Skipf("shipped model absent: %v", err)
	}
	if _, err := LoadBytes(data[:len(data)/2]); !errors.Is(err, ErrParse) {
		t.Fatalf("truncated model: %v", err)
	}
	// A path with a NUL byte cannot name a file.
	if _, err := Load("models\x00x.json"); err == nil {
		t.Fatal("Load accepted a path with a NUL byte")
	}
	if CodeIO.String() != "io" || CodeClosed.String() != "closed" || Code(4242).String() != "code(4242)" {
		t.Fatal("Code.String")
	}
}

func TestLoadBytesEqualsLoad(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	data, _ := os.ReadFile(shippedModel())
	d, err := LoadBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, text := range sampleTexts {
		a, _ := c.Predict(text)
		b, _ := d.Predict(text)
		for h := range a.Heads {
			if a.Heads[h].Label != b.Heads[h].Label || a.Heads[h].Confidence != b.Heads[h].Confidence {
				t.Fatalf("%q: file and bytes differ", text)
			}
		}
	}
}

func TestClose(t *testing.T) {
	c := loadOrSkip(t, shippedModel())
	p, _ := c.Predict("hello")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := c.Predict("hello"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Predict after Close: %v", err)
	}
	if _, err := c.PredictBatch([]string{"a"}, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("PredictBatch after Close: %v", err)
	}
	if err := c.PredictBatchInto([]string{"a"}, 1, &Batch{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("PredictBatchInto after Close: %v", err)
	}
	// Predictions and metadata outlive the model.
	if p.Heads[0].Label == "" || len(c.Heads()) == 0 {
		t.Fatal("prediction or metadata lost after Close")
	}
}

func TestFinalizer(t *testing.T) {
	if _, err := os.Stat(shippedModel()); err != nil {
		t.Skip("shipped model absent")
	}
	for i := 0; i < 3; i++ {
		c, err := Load(shippedModel())
		if err != nil {
			t.Fatal(err)
		}
		c.Predict("x")
	}
	// The finalizers free the three models; under -race or ASan a double
	// free or use after free would show here.
	runtime.GC()
	runtime.GC()
}

// Many goroutines on one classifier, against one goroutine's answers; run
// with -race. Close races with the predictions at the end.
func TestConcurrent(t *testing.T) {
	c, err := Load(shippedModel())
	if err != nil {
		t.Skipf("shipped model: %v", err)
	}
	want := make([]Prediction, len(sampleTexts))
	for i, text := range sampleTexts {
		want[i], _ = c.Predict(text)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				i := (g + k) % len(sampleTexts)
				var p Prediction
				if k%20 == 0 {
					ps, err := c.PredictBatch(sampleTexts, 2)
					if err != nil {
						errs <- err.Error()
						return
					}
					p = ps[i]
				} else {
					var err error
					if p, err = c.Predict(sampleTexts[i]); err != nil {
						errs <- err.Error()
						return
					}
				}
				for h := range p.Heads {
					if p.Heads[h].Confidence != want[i].Heads[h].Confidence {
						errs <- "goroutine result differs"
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			default:
				if _, err := c.Predict("late"); err != nil && !errors.Is(err, ErrClosed) {
					t.Error(err)
				}
			}
		}
	}()
	c.Close()
	close(done)
	<-stopped
}

// cliPredictions runs `tiny-ticket predict --model M` on texts (as JSONL) and
// returns one decoded object per line.
func cliPredictions(t *testing.T, model string, texts []string) []map[string]json.RawMessage {
	t.Helper()
	cli := os.Getenv("TINY_TICKET_CLI")
	if cli == "" {
		t.Skip("TINY_TICKET_CLI (the tiny-ticket executable) not set")
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for i, text := range texts {
		if err := enc.Encode(map[string]any{"id": i, "text": text}); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(cli, "predict", "--model", model)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s predict: %v\n%s", cli, err, stderr.String())
	}
	var rows []map[string]json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var row map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("CLI output line %d: %v", len(rows)+1, err)
		}
		rows = append(rows, row)
	}
	if len(rows) != len(texts) {
		t.Fatalf("CLI printed %d lines for %d texts", len(rows), len(texts))
	}
	return rows
}

// compareWithCLI checks labels, review flags and every score against the C++
// CLI within 1e-6 (the CLI prints 7 significant digits).
func compareWithCLI(t *testing.T, model string, texts []string) {
	c := loadOrSkip(t, model)
	// JSON cannot carry invalid UTF-8 to the CLI unchanged.
	valid := texts[:0:0]
	for _, s := range texts {
		if utf8.ValidString(s) {
			valid = append(valid, s)
		}
	}
	rows := cliPredictions(t, model, valid)
	batch, err := c.PredictBatch(valid, 0)
	if err != nil {
		t.Fatal(err)
	}
	type cliHead struct {
		Label      string             `json:"label"`
		Confidence float64            `json:"confidence"`
		Review     bool               `json:"review"`
		OutOfScope bool               `json:"out_of_scope"` // written only for heads with the label
		Scores     map[string]float64 `json:"scores"`
	}
	mismatches := 0
	for i, text := range valid {
		single, err := c.Predict(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []Prediction{single, batch[i]} {
			for _, h := range p.Heads {
				var want cliHead
				if err := json.Unmarshal(rows[i][h.Name], &want); err != nil {
					t.Fatalf("text %d: CLI head %s: %v", i, h.Name, err)
				}
				bad := want.Label != h.Label || want.Review != h.Review || want.OutOfScope != h.OutOfScope ||
					math.Abs(want.Confidence-float64(h.Confidence)) > 1e-6 || len(want.Scores) != len(h.Scores)
				for j, label := range c.Heads()[indexOf(c, h.Name)].Labels {
					if math.Abs(want.Scores[label]-float64(h.Scores[j])) > 1e-6 {
						bad = true
					}
				}
				if bad {
					mismatches++
					if mismatches <= 5 {
						t.Errorf("text %d %q head %s: Go %+v, CLI %+v", i, text, h.Name, h, want)
					}
				}
			}
		}
	}
	if mismatches > 0 {
		t.Fatalf("%d head mismatches over %d texts", mismatches, len(valid))
	}
	t.Logf("%d texts agree with the CLI (single and batch)", len(valid))
}

func indexOf(c *Classifier, head string) int {
	for i, h := range c.Heads() {
		if h.Name == head {
			return i
		}
	}
	return -1
}

func TestAgreesWithCLIShippedModel(t *testing.T) {
	texts := append([]string{}, sampleTexts...)
	texts = append(texts, autoReply, inScope)
	if _, err := os.Stat(goldenTexts()); err == nil {
		texts = append(texts, readTexts(t, goldenTexts())...)
	}
	compareWithCLI(t, shippedModel(), texts)
}

func TestAgreesWithCLIReferenceModel(t *testing.T) {
	if _, err := os.Stat(referenceModel()); err != nil {
		t.Skipf("reference artifact %s absent", referenceModel())
	}
	compareWithCLI(t, referenceModel(), readTexts(t, goldenTexts()))
}
