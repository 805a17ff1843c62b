// SPDX-License-Identifier: MIT

// Package tinyticket classifies support tickets with a tiny_ticket model
// (department, sentiment, lead intent, churn risk, intent, ... in about two
// microseconds a ticket) through the library's C API.
//
// The C library is found with pkg-config (package tiny_ticket_c); see
// go/README.md for installing it.
//
//	clf, err := tinyticket.Load("models/tiny_ticket-default-v6.json")
//	if err != nil { ... }
//	defer clf.Close()
//	p, err := clf.Predict("refund nahi mila, paisa wapas karo")
//	h, _ := p.Head("intent")
//	fmt.Println(h.Label, h.Confidence)
//
// A Classifier is safe for concurrent use by many goroutines.
package tinyticket

/*
#cgo pkg-config: tiny_ticket_c
#include <stdlib.h>
#include <string.h>
#include <tiny_ticket/c/tiny_ticket.h>

// The C API keeps its error message per OS thread, and a goroutine may run
// its next cgo call on another thread: each shim below makes the call and, on
// failure, copies the message (malloc'ed, freed by Go) in the same cgo call.
// The result comes back by value: a Go variable whose address went to C
// would escape to the heap, one more allocation per ticket.
typedef struct tt_go_status {
	tt_status status;
	char* msg;
} tt_go_status;

static tt_go_status tt_go_result(tt_status s) {
	tt_go_status r = {s, NULL};
	if (s != TT_OK) {
		const char* m = tt_last_error_message();
		size_t n = strlen(m);
		r.msg = (char*)malloc(n + 1);
		if (r.msg) memcpy(r.msg, m, n + 1);
	}
	return r;
}

static tt_go_status tt_go_load(const char* path, tt_classifier** out) {
	return tt_go_result(tt_classifier_load(path, out));
}

static tt_go_status tt_go_load_bytes(const void* data, size_t len, tt_classifier** out) {
	return tt_go_result(tt_classifier_load_bytes(data, len, out));
}

static tt_go_status tt_go_workspace_new(const tt_classifier* clf, tt_workspace** out) {
	return tt_go_result(tt_workspace_new(clf, out));
}

// One crossing per ticket: predict and copy every head and score into Go memory.
static tt_go_status tt_go_predict(const tt_classifier* clf, tt_workspace* ws, const char* text, size_t len,
                                  tt_head_result* heads, size_t heads_cap, float* scores, size_t scores_cap) {
	return tt_go_result(tt_predict_into(clf, ws, text, len, heads, heads_cap, scores, scores_cap));
}

static tt_go_status tt_go_predict_batch(const tt_classifier* clf, const char* data, const size_t* offsets, size_t n,
                                        unsigned threads, tt_head_result* heads, size_t heads_cap, float* scores,
                                        size_t scores_cap) {
	return tt_go_result(tt_predict_batch_into(clf, data, offsets, n, threads, heads, heads_cap, scores, scores_cap));
}
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// ABIVersion is the C API version this package was written against.
const ABIVersion = 1

// Version is the tiny_ticket library version ("major.minor.patch") of the
// loaded C library.
func Version() string { return C.GoString(C.tt_version()) }

// LibraryABIVersion is the ABI version of the loaded C library; it equals
// ABIVersion unless the wrong shared library was picked up at run time.
func LibraryABIVersion() int { return int(C.tt_abi_version()) }

// Head describes one head of a model: its name and labels, in the order of
// Prediction.Heads and HeadPrediction.Scores.
type Head struct {
	Name   string
	Labels []string
	// OutOfScopeLabel is the head's "none of these" label ("" when it has
	// none), answered when it scores highest or when the top probability is
	// below OutOfScopeMinConfidence.
	OutOfScopeLabel         string
	OutOfScopeMinConfidence float32
}

// HeadPrediction is one head's answer for one text.
type HeadPrediction struct {
	Name       string  // head name, e.g. "intent"
	Label      string  // the chosen label
	LabelIndex int     // its index in the head's labels
	Confidence float32 // top probability: the chosen label's, unless OutOfScope came from the threshold
	Margin     float32 // top minus runner-up probability
	Review     bool    // below the head's review thresholds: ask a human
	// OutOfScope: the head answered its out-of-scope label (Head.OutOfScopeLabel),
	// "none of these"; always false for a head without one.
	OutOfScope bool
	Scores     []float32 // every label's probability, in label order
}

// Prediction holds every head's answer for one text, in the model's head
// order. It owns its memory: it stays valid after the Classifier is closed.
type Prediction struct {
	Heads []HeadPrediction
	buf   []float32 // backs the Scores slices; reused by PredictInto
}

// Head returns the answer of the head named name.
func (p Prediction) Head(name string) (HeadPrediction, bool) {
	for _, h := range p.Heads {
		if h.Name == name {
			return h, true
		}
	}
	return HeadPrediction{}, false
}

// Review reports whether any head asks for human review.
func (p Prediction) Review() bool {
	for _, h := range p.Heads {
		if h.Review {
			return true
		}
	}
	return false
}

// Classifier is a loaded model. It is immutable and safe for concurrent use;
// Close releases its C memory (a finalizer does so if Close is never called).
type Classifier struct {
	mu        sync.RWMutex // Close takes it exclusively: no call runs on a freed model
	ptr       *C.tt_classifier
	heads      []Head
	offsets    []int // start of each head's scores in the flat scores array
	outOfScope []int // each head's out-of-scope label index, -1 when it has none
	numScores  int
}

// headResultFloats is how many float32 slots one C.tt_head_result takes
// when it is written into a Prediction's float buffer (16 bytes).
const headResultFloats = int(unsafe.Sizeof(C.tt_head_result{})) / 4

// Load reads, validates and self-tests an artifact (native format or a
// tickets-inf export). Errors are *Error (errors.Is(err, ErrIO), ...).
func Load(path string) (*Classifier, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var ptr *C.tt_classifier
	if r := C.tt_go_load(cpath, &ptr); r.status != C.TT_OK {
		return nil, newError(r)
	}
	return wrap(ptr)
}

// LoadBytes is Load from the artifact's JSON in memory; data is not kept.
func LoadBytes(data []byte) (*Classifier, error) {
	var ptr *C.tt_classifier
	var p unsafe.Pointer
	if len(data) > 0 {
		p = unsafe.Pointer(&data[0])
	}
	if r := C.tt_go_load_bytes(p, C.size_t(len(data)), &ptr); r.status != C.TT_OK {
		return nil, newError(r)
	}
	return wrap(ptr)
}

// newError takes ownership of the shim's message (malloc'ed, may be NULL).
// It lives here because tt_go_status is declared in this file's preamble.
func newError(r C.tt_go_status) error {
	e := &Error{Code: Code(r.status)}
	if r.msg != nil {
		e.Message = C.GoString(r.msg)
		C.free(unsafe.Pointer(r.msg))
	}
	return e
}

func wrap(ptr *C.tt_classifier) (*Classifier, error) {
	c := &Classifier{ptr: ptr}
	n := int(C.tt_classifier_num_heads(ptr))
	c.heads = make([]Head, n)
	c.offsets = make([]int, n)
	c.outOfScope = make([]int, n)
	for h := 0; h < n; h++ {
		labels := make([]string, int(C.tt_classifier_num_labels(ptr, C.size_t(h))))
		for l := range labels {
			labels[l] = C.GoString(C.tt_classifier_label(ptr, C.size_t(h), C.size_t(l)))
		}
		c.heads[h] = Head{Name: C.GoString(C.tt_classifier_head_name(ptr, C.size_t(h))), Labels: labels}
		c.offsets[h] = int(C.tt_classifier_score_offset(ptr, C.size_t(h)))
		// The flat results carry the flag as the label: a head answered out
		// of scope exactly when it answered this label (see the C header).
		c.outOfScope[h] = -1
		if oos := C.tt_classifier_out_of_scope_label(ptr, C.size_t(h)); uint64(oos) < uint64(len(labels)) { // TT_NPOS: none
			c.outOfScope[h] = int(oos)
			c.heads[h].OutOfScopeLabel = labels[oos]
			c.heads[h].OutOfScopeMinConfidence = float32(C.tt_classifier_out_of_scope_min_confidence(ptr, C.size_t(h)))
		}
	}
	c.numScores = int(C.tt_classifier_num_scores(ptr))
	runtime.SetFinalizer(c, (*Classifier).free)
	return c, nil
}

// Close frees the model's C memory. It waits for running calls to finish;
// later calls return ErrClosed. Closing twice is harmless.
func (c *Classifier) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.tt_classifier_free(c.ptr)
		c.ptr = nil
	}
	runtime.SetFinalizer(c, nil)
	return nil
}

func (c *Classifier) free() {
	// Unreachable: no call can be running, so no lock is needed.
	if c.ptr != nil {
		C.tt_classifier_free(c.ptr)
		c.ptr = nil
	}
}

// Heads describes the model's heads and their labels. The returned slice is
// shared: do not modify it.
func (c *Classifier) Heads() []Head { return c.heads }

// Labels returns the labels of the head named name.
func (c *Classifier) Labels(head string) ([]string, bool) {
	for _, h := range c.heads {
		if h.Name == head {
			return h.Labels, true
		}
	}
	return nil, false
}

// textPtr points C at a string's bytes without copying them: C reads them
// during the call and keeps nothing.
func textPtr(s string) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

// Predict classifies one text (any bytes: invalid UTF-8 is classified, not
// rejected). Safe for concurrent use; one cgo call per text.
func (c *Classifier) Predict(text string) (Prediction, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return Prediction{}, ErrClosed
	}
	var p Prediction
	if err := c.predict(text, nil, &p); err != nil {
		return Prediction{}, err
	}
	return p, nil
}

// PredictInto is Predict writing into p, reusing its memory: once p has
// held a prediction of this classifier, a call allocates nothing. p's
// previous contents, including its Scores slices, are overwritten, so use it
// for hot loops that do not keep predictions; like any Go value, one
// Prediction must not be written by two goroutines at once. On error p's contents are
// unspecified.
func (c *Classifier) PredictInto(text string, p *Prediction) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return ErrClosed
	}
	return c.predict(text, nil, p)
}

// predict runs with c.mu held. ws nil: the C library's per-OS-thread
// workspace (a cgo call never changes threads, so one call uses it at a time).
func (c *Classifier) predict(text string, ws *C.tt_workspace, p *Prediction) error {
	H := len(c.heads)
	// One allocation holds the C head results (read once, below) and the
	// scores the Prediction keeps.
	if n := H*headResultFloats + c.numScores; len(p.buf) != n {
		p.buf = make([]float32, n)
	}
	hr := (*C.tt_head_result)(unsafe.Pointer(&p.buf[0]))
	scores := p.buf[H*headResultFloats:]
	var sp *C.float
	if len(scores) > 0 {
		sp = (*C.float)(unsafe.Pointer(&scores[0]))
	}
	if r := C.tt_go_predict(c.ptr, ws, textPtr(text), C.size_t(len(text)), hr, C.size_t(H), sp,
		C.size_t(len(scores))); r.status != C.TT_OK {
		return newError(r)
	}
	if len(p.Heads) != H {
		p.Heads = make([]HeadPrediction, H)
	}
	c.fill(p.Heads, unsafe.Slice(hr, H), scores)
	return nil
}

func (c *Classifier) fill(out []HeadPrediction, hr []C.tt_head_result, scores []float32) {
	for h := range out {
		r := &hr[h]
		labels := c.heads[h].Labels
		off, n := c.offsets[h], len(labels)
		out[h] = HeadPrediction{
			Name:       c.heads[h].Name,
			Label:      labels[r.label_index],
			LabelIndex: int(r.label_index),
			Confidence: float32(r.confidence),
			Margin:     float32(r.margin),
			Review:     r.review != 0,
			OutOfScope: int(r.label_index) == c.outOfScope[h],
			Scores:     scores[off : off+n : off+n],
		}
	}
}

// PredictBatch classifies texts on up to threads OS threads (0 or less: one
// per core) in one cgo call. Results are in input order and equal to
// Predict's, and own their memory. Safe for concurrent use.
func (c *Classifier) PredictBatch(texts []string, threads int) ([]Prediction, error) {
	var b Batch
	if err := c.PredictBatchInto(texts, threads, &b); err != nil {
		return nil, err
	}
	return b.Predictions, nil
}

// Batch holds the results of PredictBatchInto and the memory behind them, so
// that a service classifying batch after batch allocates nothing once warm.
// The zero value is ready to use; one Batch serves one goroutine at a time.
type Batch struct {
	Predictions []Prediction // one per text, in input order

	heads   []HeadPrediction
	scores  []float32
	hr      []C.tt_head_result
	data    []byte
	offsets []C.size_t
}

// PredictBatchInto is PredictBatch writing into b, reusing its memory: the
// previous contents of b.Predictions (and of their Scores) are overwritten.
// On error b's contents are unspecified.
func (c *Classifier) PredictBatchInto(texts []string, threads int, b *Batch) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return ErrClosed
	}
	n := len(texts)
	if threads < 0 {
		threads = 0
	}
	// Go memory handed to C may not hold Go pointers, so the texts travel
	// packed into one byte buffer with offsets rather than as a pointer array.
	b.data = b.data[:0]
	b.offsets = grow(b.offsets, n+1)
	for i, t := range texts {
		b.offsets[i] = C.size_t(len(b.data))
		b.data = append(b.data, t...)
	}
	b.offsets[n] = C.size_t(len(b.data))
	H, S := len(c.heads), c.numScores
	b.hr = grow(b.hr, n*H)
	b.scores = grow(b.scores, n*S)
	b.heads = grow(b.heads, n*H)
	b.Predictions = grow(b.Predictions, n)
	if n == 0 {
		return nil
	}
	var dp *C.char
	if len(b.data) > 0 {
		dp = (*C.char)(unsafe.Pointer(&b.data[0]))
	}
	var sp *C.float
	if S > 0 {
		sp = (*C.float)(unsafe.Pointer(&b.scores[0]))
	}
	if r := C.tt_go_predict_batch(c.ptr, dp, &b.offsets[0], C.size_t(n), C.uint(threads), &b.hr[0],
		C.size_t(len(b.hr)), sp, C.size_t(len(b.scores))); r.status != C.TT_OK {
		return newError(r)
	}
	for i := range b.Predictions {
		hs := b.heads[i*H : (i+1)*H : (i+1)*H]
		c.fill(hs, b.hr[i*H:(i+1)*H], b.scores[i*S:(i+1)*S])
		b.Predictions[i] = Prediction{Heads: hs}
	}
	return nil
}

// grow returns s resized to n, reusing its array when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// Unexported hooks for the benchmarks (test files cannot use cgo).

// cgoNoop makes one cgo call that does nothing: the crossing's own cost.
func cgoNoop() int { return int(C.tt_noop()) }

// workspace is a C workspace owned by Go; a finalizer frees it, so one
// dropped by a sync.Pool does not leak.
type workspace struct{ ptr *C.tt_workspace }

func (c *Classifier) newWorkspace() (*workspace, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return nil, ErrClosed
	}
	var ptr *C.tt_workspace
	if r := C.tt_go_workspace_new(c.ptr, &ptr); r.status != C.TT_OK {
		return nil, newError(r)
	}
	w := &workspace{ptr: ptr}
	runtime.SetFinalizer(w, func(w *workspace) { C.tt_workspace_free(w.ptr) })
	return w, nil
}

func (w *workspace) free() {
	runtime.SetFinalizer(w, nil)
	C.tt_workspace_free(w.ptr)
	w.ptr = nil
}

// predictWith is Predict with an explicit workspace (nil: the C library's
// per-thread one, as Predict uses).
func (c *Classifier) predictWith(text string, w *workspace) (Prediction, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return Prediction{}, ErrClosed
	}
	var ws *C.tt_workspace
	if w != nil {
		ws = w.ptr
	}
	var p Prediction
	err := c.predict(text, ws, &p)
	runtime.KeepAlive(w)
	return p, err
}

// rawPredict is the C call of Predict alone, into a caller's buffer of
// len(c.heads)*headResultFloats + c.numScores floats: Predict minus the
// wrapper, for the benchmarks that split Go's cost from the library's.
func (c *Classifier) rawPredict(text string, buf []float32) {
	H := len(c.heads)
	C.tt_predict_into(c.ptr, nil, textPtr(text), C.size_t(len(text)), (*C.tt_head_result)(unsafe.Pointer(&buf[0])),
		C.size_t(H), (*C.float)(unsafe.Pointer(&buf[H*headResultFloats])), C.size_t(c.numScores))
}

// rawBatch is PredictBatch's C call alone, on texts packed once up front.
type rawBatch struct {
	data    []byte
	offsets []C.size_t
	hr      []C.tt_head_result
	scores  []float32
}

func (c *Classifier) newRawBatch(texts []string) *rawBatch {
	b := &rawBatch{offsets: make([]C.size_t, len(texts)+1)}
	for i, t := range texts {
		b.offsets[i] = C.size_t(len(b.data))
		b.data = append(b.data, t...)
	}
	b.offsets[len(texts)] = C.size_t(len(b.data))
	b.hr = make([]C.tt_head_result, len(texts)*len(c.heads))
	b.scores = make([]float32, len(texts)*c.numScores)
	return b
}

func (c *Classifier) runRawBatch(b *rawBatch, threads int) {
	C.tt_predict_batch_into(c.ptr, (*C.char)(unsafe.Pointer(&b.data[0])), &b.offsets[0], C.size_t(len(b.offsets)-1),
		C.uint(threads), &b.hr[0], C.size_t(len(b.hr)), (*C.float)(unsafe.Pointer(&b.scores[0])), C.size_t(len(b.scores)))
}
