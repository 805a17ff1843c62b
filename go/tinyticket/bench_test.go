// SPDX-License-Identifier: MIT

package tinyticket

import (
	"os"
	"sync"
	"syscall"
	"testing"
)

// Per-ticket cost of the Go package on golden.jsonl's texts (the reference
// system's 3,154 tickets), for the shipped model and the reference artifact.
// go/bench.sh runs these beside the C++ program bench/capi/bench_capi.cpp on
// the same texts and prints the ratios. ns/op is per ticket for the Predict
// benchmarks; the batch ones report ns/ticket.

func benchTexts(b *testing.B) []string {
	if _, err := os.Stat(goldenTexts()); err != nil {
		b.Skipf("golden texts %s absent", goldenTexts())
	}
	return readTexts(b, goldenTexts())
}

func benchModels(b *testing.B, run func(b *testing.B, c *Classifier, texts []string)) {
	texts := benchTexts(b)
	for _, m := range []struct{ name, path string }{{"shipped", shippedModel()}, {"reference", referenceModel()}} {
		b.Run(m.name, func(b *testing.B) {
			c := loadOrSkip(b, m.path)
			run(b, c, texts)
		})
	}
}

var sink float32

// cpuNanos is the process's CPU time (all threads): steadier than wall time
// on a machine shared with other work, and it counts the collector's work.
func cpuNanos() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// measureCPU reports the CPU time per ticket of a benchmark's loop as the
// metric cpu-ns/ticket; tickets per op is 1 for Predict, len(texts) for batches.
func measureCPU(b *testing.B, ticketsPerOp int, loop func()) {
	start := cpuNanos()
	loop()
	b.ReportMetric(float64(cpuNanos()-start)/float64(b.N*ticketsPerOp), "cpu-ns/ticket")
}

// BenchmarkPredict: Predict (the C library's per-thread workspace), one
// goroutine and all of GOMAXPROCS; "into" is PredictInto, allocation-free.
func BenchmarkPredict(b *testing.B) {
	benchModels(b, func(b *testing.B, c *Classifier, texts []string) {
		b.Run("serial", func(b *testing.B) {
			b.ReportAllocs()
			measureCPU(b, 1, func() {
				for i := 0; i < b.N; i++ {
					p, _ := c.Predict(texts[i%len(texts)])
					sink = p.Heads[0].Confidence
				}
			})
		})
		b.Run("into", func(b *testing.B) {
			b.ReportAllocs()
			var p Prediction
			measureCPU(b, 1, func() {
				for i := 0; i < b.N; i++ {
					c.PredictInto(texts[i%len(texts)], &p)
				}
			})
			sink = p.Heads[0].Confidence
		})
		b.Run("parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					p, _ := c.Predict(texts[i%len(texts)])
					sink = p.Heads[0].Confidence
					i++
				}
			})
		})
	})
}

// BenchmarkWorkspace compares where the C workspace comes from: the C
// library's per-thread one (what Predict does), a sync.Pool of C workspaces,
// and a new one per call.
func BenchmarkWorkspace(b *testing.B) {
	benchModels(b, func(b *testing.B, c *Classifier, texts []string) {
		b.Run("thread_local", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					p, _ := c.predictWith(texts[i%len(texts)], nil)
					sink = p.Heads[0].Confidence
					i++
				}
			})
		})
		b.Run("sync_pool", func(b *testing.B) {
			pool := sync.Pool{New: func() any { w, _ := c.newWorkspace(); return w }}
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					w := pool.Get().(*workspace)
					p, _ := c.predictWith(texts[i%len(texts)], w)
					pool.Put(w)
					sink = p.Heads[0].Confidence
					i++
				}
			})
		})
		b.Run("per_call", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					w, _ := c.newWorkspace()
					p, _ := c.predictWith(texts[i%len(texts)], w)
					w.free()
					sink = p.Heads[0].Confidence
					i++
				}
			})
		})
	})
}

// BenchmarkPredictBatch: one op is one PredictBatch over every text.
func BenchmarkPredictBatch(b *testing.B) {
	benchModels(b, func(b *testing.B, c *Classifier, texts []string) {
		for _, threads := range []int{1, 2} {
			b.Run("threads="+string(rune('0'+threads)), func(b *testing.B) {
				measureCPU(b, len(texts), func() {
					for i := 0; i < b.N; i++ {
						ps, _ := c.PredictBatch(texts, threads)
						sink = ps[0].Heads[0].Confidence
					}
				})
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts)), "ns/ticket")
			})
		}
	})
}

// BenchmarkCgoNoop: the cost of one cgo crossing (tt_noop), the floor under
// every Predict.
func BenchmarkCgoNoop(b *testing.B) {
	n := 0
	for i := 0; i < b.N; i++ {
		n += cgoNoop()
	}
	sink = float32(n)
}

// BenchmarkWrapper splits Go's cost from the library's in one process, each
// pair back to back: the bare cgo call into caller-owned buffers ("c_*")
// against the package's method that wraps it (allocating and filling the Go
// result). The difference is what the Go package adds to a ticket.
func BenchmarkWrapper(b *testing.B) {
	benchModels(b, func(b *testing.B, c *Classifier, texts []string) {
		buf := make([]float32, len(c.heads)*headResultFloats+c.numScores)
		single := func(name string, predict func(text string)) {
			b.Run(name, func(b *testing.B) {
				measureCPU(b, 1, func() {
					for i := 0; i < b.N; i++ {
						predict(texts[i%len(texts)])
					}
				})
			})
		}
		var p Prediction
		single("c_predict_into", func(text string) { c.rawPredict(text, buf) })
		single("Predict", func(text string) { q, _ := c.Predict(text); sink = q.Heads[0].Confidence })
		single("PredictInto", func(text string) { c.PredictInto(text, &p) })
		batch := func(name string, run func()) {
			b.Run(name, func(b *testing.B) {
				measureCPU(b, len(texts), func() {
					for i := 0; i < b.N; i++ {
						run()
					}
				})
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(texts)), "ns/ticket")
			})
		}
		raw := c.newRawBatch(texts)
		batch("c_batch_into_t1", func() { c.runRawBatch(raw, 1) })
		batch("PredictBatch_t1", func() { ps, _ := c.PredictBatch(texts, 1); sink = ps[0].Heads[0].Confidence })
		var reuse Batch
		batch("PredictBatchInto_t1", func() { c.PredictBatchInto(texts, 1, &reuse) })
	})
}
